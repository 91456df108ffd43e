import TambonCore
import TambonOSS
import TambonStore

/// Which applications await each officer's site inspection: `survey_assignments/<office>.<officer>`, scope the
/// office, field `applications` (record ids, sorted), written by the office node in the transaction of the action
/// that assigns an inspection or ends one. The hub reads it to answer a phone bound to that officer with exactly its
/// work (SPEC §11a); it checks each listed application's state again, so an entry the office node has not yet
/// cleared (an inspection recorded on a survey node) is never sent.
public enum SurveyAssignments {
    public static let collection = "survey_assignments"
    /// Applications one officer's phone holds at most.
    public static let maximumApplications = 200

    public static func recordID(office: String, officer: String) -> String { "\(office).\(officer)" }

    /// The officer an application awaits, if any: assigned for inspection and not yet inspected.
    public static func awaitingOfficer(_ state: ApplicationState) -> String? {
        state.status == .inspectionAssigned ? state.assignee : nil
    }

    /// The edits that keep the lists true when `application` goes from `before` to `after`: out of the officer it
    /// no longer awaits, into the one it now awaits. Empty when nothing changes.
    static func edits(
        application: String, before: ApplicationState, after: ApplicationState, in transaction: LocalTransaction
    ) throws
        -> [LocalEdit]
    {
        let was = awaitingOfficer(before), now = awaitingOfficer(after)
        guard was != now else { return [] }
        let office = transaction.node.office
        var edits: [LocalEdit] = []
        for (officer, adding) in [(was, false), (now, true)] {
            guard let officer, PeerRegistry.isValidOfficer(officer) else { continue }
            let id = recordID(office: office, officer: officer)
            var list = Set(
                try transaction.record(collection: collection, id: id)?.fields["applications"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if adding { list.insert(application) } else { list.remove(application) }
            edits.append(
                LocalEdit(
                    collection: collection, record: id,
                    set: ["officer": .string(officer), "applications": .array(list.sorted().map { .string($0) })], scope: [office]))
        }
        return edits
    }
}
