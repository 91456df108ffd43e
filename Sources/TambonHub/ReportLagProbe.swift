import Synchronization

/// The report index's lag for `/metrics`, read from the databases at most once per ``interval`` whatever the rate
/// of requests. `/metrics` is unauthenticated, so a flood of it must not become a flood of database reads (on
/// PostgreSQL each read would hold a connection the pulls need). Requests in between, and requests while a read is
/// in progress, get the last value read.
final class ReportLagProbe: Sendable {
    typealias Read = @Sendable () async throws -> Int64

    private struct State {
        var value: Int64?
        var readAt: ContinuousClock.Instant?
        var reading = false
    }

    let interval: Duration
    private let read: Read
    private let state = Mutex(State())

    init(interval: Duration = .seconds(5), read: @escaping Read) {
        self.interval = interval
        self.read = read
    }

    /// The lag, read now if the last read is older than ``interval`` and no other is in progress; nil before the
    /// first read succeeded. A failed read is thrown to the one request that made it; the others keep the last value.
    func value() async throws -> Int64? {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard !state.reading, state.readAt.map({ now - $0 >= interval }) ?? true else { return false }
            state.reading = true
            return true
        }
        guard due else { return state.withLock { $0.value } }
        do {
            let value = try await read()
            state.withLock { state in
                state.value = value
                state.readAt = now
                state.reading = false
            }
            return value
        } catch {
            state.withLock { state in
                state.readAt = now
                state.reading = false
            }
            throw error
        }
    }
}
