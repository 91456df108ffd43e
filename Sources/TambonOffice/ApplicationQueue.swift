/// The officer queue as ``ApplicationBook/queue(office:service:status:assignee:)`` reads it: the applications in
/// their order, and those that could not be read, which the staff must see rather than silently miss.
public struct ApplicationQueue: Sendable {
    public let applications: [ApplicationRecord]
    public let damaged: [DamagedRecord]

    public init(applications: [ApplicationRecord], damaged: [DamagedRecord]) {
        self.applications = applications
        self.damaged = damaged
    }
}
