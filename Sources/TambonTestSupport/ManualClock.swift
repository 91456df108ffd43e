import Synchronization
import TambonOffice
import TambonStore

/// A wall clock that tests set and move by hand, in Unix milliseconds; one clock may be shared by several stores
/// (a hub and its nodes) or each machine may have its own.
///
/// It only moves when told to: ``set(_:)`` jumps to any time (backwards too), ``advance(_:)`` and
/// ``advance(days:)`` move it by a signed amount. Safe to read and move from any thread.
public final class ManualClock: Sendable {
    /// The time a clock starts at unless told otherwise: 15 Jan 2027, 08:00 UTC.
    public static let defaultStart: Int64 = 1_800_000_000_000

    private let millis: Mutex<Int64>

    public init(_ millis: Int64 = ManualClock.defaultStart) {
        self.millis = Mutex(millis)
    }

    /// The current time, in Unix milliseconds.
    public var now: Int64 { millis.withLock { $0 } }

    /// Sets the time to `value` (Unix milliseconds), earlier or later than now.
    public func set(_ value: Int64) { millis.withLock { $0 = value } }

    /// Moves the time by `delta` milliseconds (negative moves it back).
    public func advance(_ delta: Int64) { millis.withLock { $0 += delta } }

    /// Moves the time by whole days of 86,400,000 ms (negative moves it back).
    public func advance(days: Int) { advance(Int64(days) * 86_400_000) }

    /// A store configuration whose wall clock is this clock, with the authority rules the command line uses (every
    /// service's field actions) and the other settings at their defaults.
    public var configuration: StoreConfiguration {
        var configuration = StoreConfiguration(wallClock: { [self] in now })
        configuration.authority = ServiceCatalog.authorityRules()
        // A clock moved by hand (days at a time) has no boot clock that follows it.
        configuration.bootClock = { nil }
        return configuration
    }
}
