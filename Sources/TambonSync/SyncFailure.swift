/// A sync request that failed: the hub's refusal (status, code and message), or a transport problem.
public struct SyncFailure: Error, Sendable, CustomStringConvertible {
    /// HTTP status, or nil for a failure before any response (no route, TLS, timeout).
    public let status: Int?
    /// The hub's machine-readable code (`fork`, `revoked_node`, …), or `transport`.
    public let code: String
    public let message: String

    public init(status: Int?, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String {
        if let status { return "hub refused (\(status) \(code)): \(message)" }
        return "cannot reach the hub: \(message)"
    }
}
