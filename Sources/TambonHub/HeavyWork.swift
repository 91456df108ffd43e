import Dispatch

/// CPU work of one request that takes tens of milliseconds (inflating and parsing a push of hundreds of changes)
/// runs on threads of its own, not on Swift's cooperative pool.
///
/// The cooperative pool has one thread per core, two on an office-class machine, and runs its jobs first come,
/// first served without preemption. In the national simulation's outage, pushes parsed there 31 % of the time, and a
/// no-op sync's few short steps queued behind whole parses: a p90 under 100 ms but a p99 of 3–4 s. Here the kernel
/// shares the cores between the parse threads and the pool, so a short request is not stuck behind a long one. At
/// most as many parses run at once as the machine has cores (a concurrent queue of a global queue's width).
enum HeavyWork {
    /// Bodies from this size (on the wire) are inflated and parsed here; smaller ones inline, where a hop between
    /// threads would cost more than the work.
    static let minimumBytes = 64 * 1_024

    private static let queue = DispatchQueue(label: "tambon.hub.heavy-work", qos: .utility, attributes: .concurrent)

    /// `body`'s result, computed on the heavy-work threads.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
