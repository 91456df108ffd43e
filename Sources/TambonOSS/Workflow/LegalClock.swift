/// The legal period of an application: it starts when the office accepts the application as complete, pauses
/// while the application is returned for documents, may be extended, and stops at the decision.
///
/// Days are calendar days in Thai time. The due date is the start plus the allowed days plus every paused day.
public struct LegalClock: Sendable, Equatable {
    public var startedOn: CivilDate?
    /// The period plus every extension granted.
    public var allowedDays: Int = 0
    public var extensions: Int = 0
    /// Days spent paused in earlier returns.
    public var pausedDays: Int = 0
    /// Paused since this day (returned, waiting for documents).
    public var pausedSince: CivilDate?
    /// The day of the decision (approval, refusal, withdrawal).
    public var stoppedOn: CivilDate?

    public init() {}

    public var isRunning: Bool { startedOn != nil && pausedSince == nil && stoppedOn == nil }

    /// The due date as it stands on `today` (a pause still running pushes it a day further each day).
    public func dueDate(on today: CivilDate) -> CivilDate? {
        guard let startedOn else { return nil }
        let running = pausedSince.map { max(0, $0.days(until: stoppedOn ?? today)) } ?? 0
        return startedOn.adding(days: allowedDays + pausedDays + running)
    }

    /// Days left until the due date (negative when overdue); nil before the clock starts or after the decision.
    public func daysLeft(on today: CivilDate) -> Int? {
        guard stoppedOn == nil, let due = dueDate(on: today) else { return nil }
        return today.days(until: due)
    }

    /// Past the due date without a decision.
    public func isOverdue(on today: CivilDate) -> Bool { (daysLeft(on: today) ?? 0) < 0 }

    /// Days from acceptance to decision, not counting paused days (for reports).
    public var daysToDecision: Int? {
        guard let startedOn, let stoppedOn else { return nil }
        return startedOn.days(until: stoppedOn) - pausedDays
    }
}
