import TambonCore

/// What the hub's reports need to know about one application — and nothing personal: no names, ID numbers,
/// phones or addresses. Derived from an application's merged timeline; the reports aggregate these.
public struct ReportFact: Sendable, Equatable {
    public let office: String
    public let service: String
    public let status: String
    public let submittedOn: CivilDate
    /// The day of the decision (approval, rejection or withdrawal), if there is one.
    public let decidedOn: CivilDate?
    /// The legal deadline: fixed once the clock runs (a running clock's due date does not move), frozen at the
    /// decision. Nil before acceptance.
    public let dueOn: CivilDate?
    /// The clock is paused (returned to the applicant): the applicant's turn, so not overdue.
    public let paused: Bool
    /// Days from submission to the decision.
    public let daysToDecision: Int?
    /// The pinned site (building permits) or place (food certificates).
    public let location: GeoPoint?

    public init(
        office: String, service: String, status: String, submittedOn: CivilDate, decidedOn: CivilDate? = nil, dueOn: CivilDate? = nil,
        paused: Bool = false, location: GeoPoint? = nil
    ) {
        self.office = office
        self.service = service
        self.status = status
        self.submittedOn = submittedOn
        self.decidedOn = decidedOn
        self.dueOn = dueOn
        self.paused = paused
        daysToDecision = decidedOn.map { submittedOn.days(until: $0) }
        self.location = location
    }

    /// The facts of an application from its timeline, as of `today`.
    public init(office: String, service: String, submittedOn: CivilDate, timeline: Timeline, location: GeoPoint?, on today: CivilDate) {
        let state = timeline.state
        let decision = timeline.entries.last { $0.applied && Self.decisions.contains($0.event.action) }?.event.date
        self.init(
            office: office, service: service, status: state.status?.rawValue ?? "unknown", submittedOn: submittedOn, decidedOn: decision,
            dueOn: state.clock.pausedSince == nil || state.clock.stoppedOn != nil ? state.clock.dueDate(on: today) : nil,
            paused: state.clock.pausedSince != nil && state.clock.stoppedOn == nil, location: location)
    }

    /// The actions that decide an application.
    public static let decisions: Set<ActionName> = ["approve", "reject", "withdraw"]

    /// Past the legal deadline: decided after it, or undecided, its clock running, and the deadline gone by.
    public func isOverdue(on today: CivilDate) -> Bool {
        overdueFrom.map { today >= $0 } ?? false
    }

    /// The first day the application counts as overdue, nil if it never will as things stand: a late decision is
    /// overdue from that day on; a running clock from the day after its deadline; an on-time decision, a paused
    /// clock or one not started never (a later event changes the facts, and the index re-reads them).
    public var overdueFrom: CivilDate? {
        guard let dueOn else { return nil }
        if let decidedOn { return decidedOn > dueOn ? decidedOn : nil }
        return paused ? nil : dueOn.adding(days: 1)
    }
}
