import Synchronization

/// A flag the outage's helpers poll: set once the drain is over, so they stop starting new work.
final class Stopwatch: Sendable {
    private let flag = Mutex(false)
    var stopped: Bool { flag.withLock { $0 } }
    func stop() { flag.withLock { $0 = true } }
}
