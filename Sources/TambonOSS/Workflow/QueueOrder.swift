/// The officer queue's order: overdue applications first (the most overdue at the top), then by days left, then
/// those not yet accepted (oldest first), paused ones, and decided ones last.
public enum QueueOrder {
    public struct Item<ID: Sendable>: Sendable {
        public let id: ID
        public let urgency: DeadlineUrgency
        /// Days left (negative: overdue), nil without a running clock.
        public let daysLeft: Int?
        /// When the application was submitted (ms), for the oldest-first tie-break.
        public let submittedMillis: Int64

        public init(id: ID, state: ApplicationState, submittedMillis: Int64, on today: CivilDate) {
            self.id = id
            urgency = DeadlineUrgency(clock: state.clock, status: state.status, on: today)
            daysLeft = urgency == .decided ? nil : state.clock.daysLeft(on: today)
            self.submittedMillis = submittedMillis
        }
    }

    public static func sorted<ID>(_ items: [Item<ID>]) -> [Item<ID>] {
        items.sorted { a, b in
            if a.urgency != b.urgency { return a.urgency < b.urgency }
            if let left = a.daysLeft, let right = b.daysLeft, left != right { return left < right }
            return a.submittedMillis < b.submittedMillis
        }
    }
}
