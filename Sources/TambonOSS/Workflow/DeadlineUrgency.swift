/// How pressing an application's deadline is, for the officer queue's colours and order.
public enum DeadlineUrgency: Int, Sendable, Comparable, CaseIterable {
    /// Past the due date, undecided (red, listed first).
    case overdue = 0
    /// Due within ``dueSoonDays`` days (amber).
    case dueSoon = 1
    /// Running with time to spare (green).
    case onTrack = 2
    /// Returned for documents: the clock is paused (grey).
    case paused = 3
    /// Not yet accepted: no legal clock yet.
    case notStarted = 4
    /// Decided: approved, rejected or withdrawn.
    case decided = 5

    /// An officer is warned this many days before the due date.
    public static let dueSoonDays = 7

    public init(clock: LegalClock, status: ApplicationStatus?, on today: CivilDate) {
        if status?.isDecided == true || clock.stoppedOn != nil {
            self = .decided
        } else if clock.startedOn == nil {
            self = .notStarted
        } else if let left = clock.daysLeft(on: today), left < 0 {
            self = .overdue
        } else if clock.pausedSince != nil {
            self = .paused
        } else if let left = clock.daysLeft(on: today), left <= Self.dueSoonDays {
            self = .dueSoon
        } else {
            self = .onTrack
        }
    }

    /// The CSS class of the queue row.
    public var cssClass: String {
        switch self {
        case .overdue: "overdue"
        case .dueSoon: "due-soon"
        case .onTrack: "on-track"
        case .paused: "paused"
        case .notStarted: "not-started"
        case .decided: "decided"
        }
    }

    public static func < (lhs: DeadlineUrgency, rhs: DeadlineUrgency) -> Bool { lhs.rawValue < rhs.rawValue }
}
