/// An application's events in their deterministic order, each marked applied or not (with the reason), and the
/// state they add up to.
///
/// Two replicas that hold the same events derive the same timeline, whatever order the events arrived in: an
/// officer's approval at the office and the applicant's withdrawal at the hub, made concurrently, both stay on
/// the timeline after the merge, the earlier one applied and the later one shown as not applied and why.
public struct Timeline: Sendable {
    public struct Entry: Sendable, Equatable {
        public let event: ApplicationEvent
        /// nil when the event applied; otherwise why it did not.
        public let refusal: ActionRefusal?

        public var applied: Bool { refusal == nil }
    }

    public let entries: [Entry]
    public let state: ApplicationState

    public init(events: [ApplicationEvent], workflow: some ServiceWorkflow) {
        var state = ApplicationState()
        var entries: [Entry] = []
        entries.reserveCapacity(events.count)
        for event in events.sorted(by: ApplicationEvent.precedes) {
            do {
                try workflow.step(event, to: &state)
                entries.append(Entry(event: event, refusal: nil))
            } catch {
                entries.append(Entry(event: event, refusal: error))
            }
        }
        self.entries = entries
        self.state = state
    }

    /// Checks a new action against this timeline as if it came last: the state it would lead to, or the refusal.
    public func trying(_ event: ApplicationEvent, workflow: some ServiceWorkflow) throws(ActionRefusal) -> ApplicationState {
        var next = state
        try workflow.step(event, to: &next)
        return next
    }
}
