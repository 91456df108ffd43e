import Synchronization

/// A count that concurrent tasks add to and a test reads while they run.
public final class Tally: Sendable {
    private let count = Mutex(0)

    public init() {}

    public func add() {
        count.withLock { $0 += 1 }
    }

    public var value: Int { count.withLock { $0 } }
}
