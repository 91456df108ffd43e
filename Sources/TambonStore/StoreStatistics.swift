/// Counts for `node status` and the benchmarks.
public struct StoreStatistics: Sendable, Equatable {
    public let records: Int
    public let changes: Int
    public let origins: Int
    public let lastArrival: Int64
    /// Rows of the hub's per-office change feed (SPEC §6.2); 0 on a node.
    public let feedRows: Int

    public init(records: Int, changes: Int, origins: Int, lastArrival: Int64, feedRows: Int) {
        self.records = records
        self.changes = changes
        self.origins = origins
        self.lastArrival = lastArrival
        self.feedRows = feedRows
    }
}
