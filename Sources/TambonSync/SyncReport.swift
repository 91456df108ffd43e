/// What one sync round did.
public struct SyncReport: Sendable, Equatable {
    public var pushed = 0
    public var pulled = 0
    public var pushRequests = 0
    public var pullRequests = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Attachments that became complete at the hub (sent) or here (received) in this round.
    public var filesSent = 0
    public var filesReceived = 0
    /// Attachments this node's records refer to that neither it nor the hub holds whole yet.
    public var filesWaiting = 0
    /// This node's changes the hub's authority rules refused in this round (kept, marked, shown in `node status`).
    public var refused = 0
    /// This node's clock minus the hub's (ms), as measured.
    public var skewMillis: Int64?

    public init() {}

    /// Counts a response's bytes and takes the skew it measured.
    mutating func record(_ response: HubResponse) {
        bytesSent += response.sentBytes
        bytesReceived += response.receivedBytes
        if let hub = response.hubMillis { skewMillis = response.localMidpointMillis - hub }
    }
}
