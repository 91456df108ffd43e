import TambonCore

/// One page of a feed (``Store/changes(after:scope:excluding:limit:)``).
public struct ChangeFeedPage: Sendable {
    /// Changes with their feed position, in feed order.
    public let changes: [(position: Int64, change: Change)]
    /// Where the next page starts.
    public let cursor: Int64
    /// Whether more changes follow the cursor.
    public let more: Bool
}
