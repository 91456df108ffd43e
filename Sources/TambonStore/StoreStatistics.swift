/// Counts for `node status`.
public struct StoreStatistics: Sendable, Equatable {
    public let records: Int
    public let changes: Int
    public let origins: Int
    public let lastArrival: Int64
}
