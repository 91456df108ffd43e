import Foundation

/// Receives the port a server bound to (port 0 → whatever the system chose) from its start-up callback.
public final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?

    public init() {}

    public func set(_ value: Int) { lock.withLock { port = value } }

    /// Waits up to `seconds` for the port: generous, since a loaded 2-core machine running the suites in parallel
    /// can take well over 10 s to start a TLS server.
    public func wait(seconds: Double = 60) async throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = lock.withLock({ port }) { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw PortTimeout()
    }

    public struct PortTimeout: Error, CustomStringConvertible {
        public var description: String { "the server did not start listening in time" }
    }
}
