import TambonCore

/// A sync request that failed: the hub's refusal (status, code and message), or a transport problem.
public struct SyncFailure: Error, Sendable, CustomStringConvertible {
    /// HTTP status, or nil for a failure before any response (no route, TLS, timeout).
    public let status: Int?
    /// The hub's machine-readable code (`fork`, `revoked_node`, …), or `transport`.
    public let code: String
    public let message: String
    /// The rest of the hub's error body.
    public let details: [String: JSONValue]

    public init(status: Int?, code: String, message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String {
        if let status { return "hub refused (\(status) \(code)): \(message)" }
        return "cannot reach the hub: \(message)"
    }
}
