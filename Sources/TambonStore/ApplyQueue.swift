import Synchronization

/// Lets one batch apply at a time take its turn at the store's writer; the others wait here, in arrival order.
///
/// The writer (SQLite's single writer, PostgreSQL's arrival-counter lock) serves whoever asked first. With several
/// 500-change pushes queued there after an outage, a bank's confirmation or a node's nonce — a write of a few rows
/// that a citizen at the counter is waiting for — stood behind all of them (in the national simulation, confirmations
/// took a p99 of 87 s). Bulk applies queue here instead, so small writes wait for at most the one batch being
/// applied. A batch's signatures are still checked while it waits: only its transaction waits for its turn.
public final class ApplyQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` (one batch's transaction) once every batch queued before it has finished.
    public func inTurn<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    /// Hands the turn to the first batch waiting, or frees it.
    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }

    /// Batches waiting for their turn.
    public var queued: Int { state.withLock { $0.waiting.count } }
}
