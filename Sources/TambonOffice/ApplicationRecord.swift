import TambonCore
import TambonOSS
import TambonStore

/// An application as stored: the replicated record (collection `applications`, id `<office>.<tracking code>`,
/// `6500101.K7M2Q9XA`) read into typed parts, with its timeline derived by the service's workflow.
///
/// The office an application belongs to is its id's office part (``TambonCore/Authority/owner(ofRecord:)``), never
/// its `office` field: the authority rules let only that office's nodes (and the hub) write ids in its namespace,
/// while any node could put any text in a field. An application filed by an older version has the bare tracking
/// code as its id: it is still read (``office`` nil), but no node may write it any more; the office node copies it
/// into its namespace (``ApplicationBook/migrateLegacyApplications()``).
public struct ApplicationRecord: Sendable {
    public static let collection = "applications"

    /// The record id: `<office>.<tracking code>` (or the bare code, for an application of an older version).
    public let id: String
    /// The code the citizen holds (the id's part after its office): what pages, receipts, printed documents and
    /// the API's `tracking_code` show.
    public let trackingCode: String
    public let service: ServiceID
    /// The office that owns the application, from its id; nil for an application of an older version whose id is
    /// the bare tracking code (readable, not writable, left out of reports).
    public let office: String?
    /// The record's scope (which offices' replicas hold it); read only to find an older version's applications.
    public let scope: [String]
    /// Personal data: shown to the office's staff only.
    public let applicant: [String: JSONValue]
    public let details: [String: JSONValue]
    public let fees: [String: JSONValue]
    public let submittedMillis: Int64
    public let timeline: Timeline
    /// In one of its service's final statuses: nothing more happens to it.
    public let isClosed: Bool
    /// Attached files (element values of the `attachments` set), oldest first; those filed with the application
    /// (attached at once) in the form's order: plans, photos, documents.
    public let attachments: [[String: JSONValue]]
    /// The service as the office runs it (its workflow and settings).
    let offered: any OfferedService

    public init(_ record: RecordSnapshot, catalog: ServiceCatalog) throws(DamagedRecord) {
        guard let service = record.fields["service"]?.stringValue.map({ ServiceID(rawValue: $0) }), let offered = catalog.service(service) else {
            throw DamagedRecord(
                collection: Self.collection, id: record.id, code: "unknown_service", th: "ไม่รู้จักบริการของคำขอนี้",
                en: "the application is of a service this node does not know")
        }
        id = record.id
        trackingCode = Self.trackingCode(ofRecord: record.id)
        self.service = service
        office = Self.owner(ofRecord: record.id)
        scope = record.scope
        applicant = record.fields["applicant"]?.objectValue ?? [:]
        details = record.fields["details"]?.objectValue ?? [:]
        fees = record.fields["fees"]?.objectValue ?? [:]
        guard let submitted = record.fields["submitted_ms"].map({ $0.integerValue }) ?? 0 else {
            throw DamagedRecord(
                collection: Self.collection, id: record.id, code: "malformed_application", th: "เวลายื่นคำขอไม่ใช่จำนวนมิลลิวินาที",
                en: "its submission time (submitted_ms) is not a whole number of milliseconds")
        }
        submittedMillis = submitted
        let events = (record.sets["events"] ?? [:]).compactMap { ApplicationEvent(id: $0.key, value: $0.value) }
        let workflow = offered.workflow
        timeline = Timeline(events: events, workflow: workflow)
        self.offered = offered
        isClosed = timeline.state.status.map(workflow.finalStatuses.contains) ?? false
        attachments = (record.sets[AttachmentReference.field] ?? [:]).values.compactMap(\.objectValue)
            .sorted { Self.order(ofAttachment: $0) < Self.order(ofAttachment: $1) }
    }

    /// The office part of an application id, if it has one: `6500101` of `6500101.K7M2Q9XA`; nil for a bare code.
    public static func owner(ofRecord id: String) -> String? {
        id.contains(".") ? Authority.owner(ofRecord: id) : nil
    }

    /// The citizen's code in an application id: the part after the first `.` (the whole id if it has none).
    public static func trackingCode(ofRecord id: String) -> String {
        id.firstIndex(of: ".").map { String(id[id.index(after: $0)...]) } ?? id
    }

    /// Whether the office `office` holds this application: it owns it, or the application is an older version's
    /// (bare id) filed in its scope.
    public func belongs(to office: String) -> Bool {
        self.office.map { $0 == office } ?? scope.contains(office)
    }

    /// When it was attached, then its kind (plan, photo, document), then its hash.
    static func order(ofAttachment reference: [String: JSONValue]) -> (String, Int, String) {
        let kind = ["plan", "photo", "document"].firstIndex(of: reference["kind"]?.stringValue ?? "") ?? 3
        return (reference["at"]?.stringValue ?? "", kind, reference["sha256"]?.stringValue ?? "")
    }

    public var state: ApplicationState { timeline.state }

    /// The legal deadline while the application awaits its decision.
    public func deadline(on today: CivilDate) -> CivilDate? {
        state.clock.stoppedOn == nil ? state.clock.dueDate(on: today) : nil
    }

    /// What anyone holding the tracking code may see: status, timeline and deadline — no personal data (no
    /// names, ID numbers, phones, addresses, notes or reasons typed by staff).
    public func publicView(on today: CivilDate) -> JSONValue {
        var members = summary(on: today)
        members["timeline"] = .array(
            timeline.entries.map { entry in
                var item: [String: JSONValue] = [
                    "action": .string(entry.event.action.rawValue), "on": .string(entry.event.date.iso), "applied": .bool(entry.applied),
                ]
                if let refusal = entry.refusal { item["not_applied_reason"] = .string(refusal.thai) }
                return .object(item)
            })
        return .object(members)
    }

    /// What both views show: status, dates, deadline, number.
    private func summary(on today: CivilDate) -> [String: JSONValue] {
        let state = self.state
        var members: [String: JSONValue] = [
            "tracking_code": .string(trackingCode), "service": .string(service.rawValue),
            "status": .string(state.status?.rawValue ?? "unknown"), "status_th": .string(state.status?.thai ?? "-"),
            "submitted_on": .string(CivilDate(thaiDayOf: submittedMillis).iso),
        ]
        if let office { members["office"] = .string(office) }
        members["deadline"] = deadline(on: today).map { .string($0.iso) } ?? .null
        if let left = state.clock.daysLeft(on: today) { members["days_left"] = .number(Double(left)) }
        if let number = state.number { members["document_number"] = .string(number.description) }
        return members
    }

    /// The full view for the office's staff.
    public func officeView(on today: CivilDate) -> JSONValue {
        var members = summary(on: today)
        members["id"] = .string(id)
        members["applicant"] = .object(applicant)
        members["details"] = .object(details)
        members["fees"] = .object(fees)
        members["assignee"] = state.assignee.map { .string($0) } ?? .null
        members["inspection"] = state.inspection.map { .object($0) } ?? .null
        members["reason"] = state.reason.map { .string($0) } ?? .null
        members["attachments"] = .array(attachments.map { .object($0) })
        members["urgency"] = .string(DeadlineUrgency(clock: state.clock, status: state.status, on: today).cssClass)
        // What the service adds (a food certificate's yearly dues).
        members.merge(offered.officeView(state: state, submittedOn: CivilDate(thaiDayOf: submittedMillis), on: today)) { $1 }
        members["timeline"] = .array(
            timeline.entries.map { entry in
                var item = entry.event.value.objectValue ?? [:]
                item["id"] = .string(entry.event.id)
                item["on"] = .string(entry.event.date.iso)
                item["applied"] = .bool(entry.applied)
                if let refusal = entry.refusal {
                    item["not_applied_reason"] = .string(refusal.thai)
                    item["not_applied_reason_en"] = .string(refusal.english)
                }
                return .object(item)
            })
        return .object(members)
    }
}
