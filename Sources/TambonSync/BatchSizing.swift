import Foundation
import TambonCore
import TambonProtocol

/// How many changes go into one push or pull request, adapted to the link: halved after a request that the link
/// cut, doubled back after one that got through. On a link that drops every few kilobytes, requests shrink until
/// they fit, so a sync always makes progress instead of re-sending a batch that can never arrive whole.
public final class BatchSizing: @unchecked Sendable {
    private let lock = NSLock()
    private let maximum: Int
    private var current: Int

    public init(maximum: Int) {
        self.maximum = maximum
        current = maximum
    }

    public var size: Int { lock.withLock { current } }

    public func succeeded() { lock.withLock { current = min(maximum, current * 2) } }

    public func cut() { lock.withLock { current = max(1, current / 2) } }

    /// Runs one request sized by this: a request the link cut (no answer at all) shrinks the next one, an answered
    /// one grows it back.
    func adapting<T>(_ request: () async throws -> T) async throws -> T {
        do {
            let value = try await request()
            succeeded()
            return value
        } catch let failure as TambonError where failure.kind == .unavailable || failure.code.rawValue == "push_too_costly" {
            // A cut link, or a batch the hub found too costly to route (SPEC §6.2): the next one is half the size.
            cut()
            throw failure
        }
    }
}
