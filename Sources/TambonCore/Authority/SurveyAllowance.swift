/// What a survey node may write in one collection: field work only. Every operation must be an `add` (a survey
/// node never overwrites a register), to one of `sets`, or to `eventSet` with an event whose action is in
/// `fieldActions` and whose declared role is `surveyor`.
public struct SurveyAllowance: Sendable, Equatable {
    /// Grow-only sets a survey node may add to (photos and notes: `attachments`).
    public var sets: Set<String>
    /// The set holding workflow events (`events`), if the collection has one.
    public var eventSet: String?
    /// The workflow actions a survey node may record (`record-inspection`); every other action needs the office
    /// node.
    public var fieldActions: Set<String>

    public init(sets: Set<String> = [], eventSet: String? = nil, fieldActions: Set<String> = []) {
        self.sets = sets
        self.eventSet = eventSet
        self.fieldActions = fieldActions
    }

    /// The actor role a survey node's events must declare.
    public static let surveyorRole = "surveyor"
}
