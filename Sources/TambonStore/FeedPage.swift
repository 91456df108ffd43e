import TambonCore

/// One page of a feed (``Store/changes(after:scope:excluding:limit:)``, or ``Store/storedChanges(after:scope:excluding:limit:)``
/// with the changes as stored).
public struct FeedPage<Element: Sendable>: Sendable {
    /// Changes with their feed position, in feed order.
    public let changes: [(position: Int64, change: Element)]
    /// Where the next page starts.
    public let cursor: Int64
    /// Whether more changes follow the cursor.
    public let more: Bool

    public init(changes: [(position: Int64, change: Element)], cursor: Int64, more: Bool) {
        self.changes = changes
        self.cursor = cursor
        self.more = more
    }
}

public typealias ChangeFeedPage = FeedPage<Change>
