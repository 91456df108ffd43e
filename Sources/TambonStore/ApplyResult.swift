/// What one ``Store/apply(_:options:)`` did.
public struct ApplyResult: Sendable, Equatable {
    /// Changes new to this store, now in its log and state.
    public let applied: Int
    /// Changes already held (identical hash): no-ops.
    public let duplicates: Int
    /// The store's highest arrival sequence after the batch.
    public let lastArrival: Int64
}
