import NIOCore
import Synchronization

/// At most `permits` requests of one transport in flight; the others wait here, first come first served, at
/// constant cost each.
///
/// Without it, the simulated bank's confirmations queued in AsyncHTTPClient's pool whenever the hub answered more
/// slowly than 200 a second. That queue is scanned to remove a request whose deadline passes, so thousands waiting
/// cost the benchmark most of a core (`HTTPConnectionPool.RequestQueue.remove` and retain/release were 70 % of its
/// samples), taken from the hub it measures on the same two cores.
final class RequestGate: Sendable {
    private struct State {
        var free: Int
        var waiting = CircularBuffer<CheckedContinuation<Void, Never>>()
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(free: max(1, permits)))
    }

    /// Runs `body` once a permit is free.
    func run<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// Hands the permit to the first request waiting, or frees it.
    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let first = state.waiting.popFirst() else {
                state.free += 1
                return nil
            }
            return first
        }
        next?.resume()
    }
}
