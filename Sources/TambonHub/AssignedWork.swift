import TambonCore
import TambonOSS
import TambonOffice
import TambonProtocol
import TambonStore

/// A phone's pull (SPEC §11a): the applications its officer must inspect, each with its whole history, and nothing
/// else of the office. The list is the office node's (``TambonOffice/SurveyAssignments``); each application on it is
/// checked again here — still assigned to this officer, still awaiting inspection — so what the phone holds is what
/// the hub judges it needs now. The phone sends how many changes it holds of each; a record whose count is the
/// same is not sent again.
struct AssignedWork: Sendable {
    let store: any HubLog
    let catalog = ServiceCatalog()
    /// One application's history sent to a phone at most (a record with more is left off and logged).
    static let maximumChangesPerApplication = 2_000

    /// The answer for `peer` (a phone) that holds `have` (record id → changes held).
    func answer(for peer: Peer, have: [String: Int]) async throws -> [UInt8] {
        guard let officer = peer.officer else {
            throw TambonError(
                .forbidden, "not_a_phone", "only a phone bound to an officer pulls assigned work; this node pulls its office's feed",
                thai: "เฉพาะโทรศัพท์ของเจ้าหน้าที่สำรวจที่ผูกกับบัญชีผู้ตรวจ")
        }
        let list = try await store.record(
            collection: SurveyAssignments.collection, id: SurveyAssignments.recordID(office: peer.office, officer: officer))
        let listed = (list?.fields["applications"]?.arrayValue ?? []).compactMap(\.stringValue)
            .filter { Authority.owner(ofRecord: $0) == peer.office }.prefix(SurveyAssignments.maximumApplications)
        var assigned: [JSONValue] = []
        var changes: [StoredChange] = []
        for id in listed {
            guard let record = try await store.record(collection: ApplicationRecord.collection, id: id),
                let application = try? ApplicationRecord(record, catalog: catalog),
                SurveyAssignments.awaitingOfficer(application.timeline.state) == officer
            else { continue }
            guard
                let history = try await store.storedChanges(
                    collection: ApplicationRecord.collection, record: id, limit: Self.maximumChangesPerApplication)
            else { continue }
            assigned.append(.string(id))
            if have[id] != history.count { changes += history }
        }
        return ChangeBatchWriter.message(
            ["assigned": .array(assigned), "officer": .string(officer), "accepted_seq": .number(Double(peer.acceptedSeq))], changes: changes)
    }

    /// Whether a phone may fetch the file `hash`: only a file one of its officer's listed applications refers to
    /// (a plan to check on site), not every file of the office.
    func phone(_ peer: Peer, mayRead hash: String) async throws -> Bool {
        guard let officer = peer.officer else { return true }
        let list = try await store.record(
            collection: SurveyAssignments.collection, id: SurveyAssignments.recordID(office: peer.office, officer: officer))
        for id in (list?.fields["applications"]?.arrayValue ?? []).compactMap(\.stringValue).prefix(SurveyAssignments.maximumApplications)
        where Authority.owner(ofRecord: id) == peer.office {
            if try await store.record(collection: ApplicationRecord.collection, id: id)?.sets[AttachmentReference.field]?[hash] != nil { return true }
        }
        return false
    }

    /// `have` from a request: at most as many entries as a phone may hold, counts ≥ 0.
    static func have(_ members: [String: JSONValue]) throws -> [String: Int] {
        guard let value = members["have"] else { return [:] }
        guard case .object(let entries) = value, entries.count <= SurveyAssignments.maximumApplications * 2 else {
            throw TambonError(.invalid, "malformed_message", "\"have\" is an object of at most \(SurveyAssignments.maximumApplications * 2) records")
        }
        var have: [String: Int] = [:]
        for (id, count) in entries {
            guard let number = count.integerValue, (0...Int64(maximumChangesPerApplication)).contains(number), let held = Int(exactly: number) else {
                throw TambonError(.invalid, "malformed_message", "\"have\" counts are whole numbers from 0 to \(maximumChangesPerApplication)")
            }
            have[id] = held
        }
        return have
    }
}
