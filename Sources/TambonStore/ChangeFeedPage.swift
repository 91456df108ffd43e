import TambonCore

/// One page of the arrival-ordered change feed.
public struct ChangeFeedPage: Sendable {
    /// Changes with their local arrival sequence, in arrival order.
    public let changes: [(arrival: Int64, change: Change)]
    /// Where the next page starts: the last arrival read (or the cursor given, if the page is empty).
    public let cursor: Int64
}
