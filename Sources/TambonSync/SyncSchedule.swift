import TambonCore

/// When the node's background sync runs next: a value type with no clock or I/O of its own (times are
/// milliseconds passed in), so its rules are tested directly.
///
/// - After a success, the next round is due within `interval` (one minute): the node syncs at least once a minute.
/// - A local write brings the next round forward to `writeDelay` (two seconds) from when it was seen, so a burst of
///   writes goes in one round.
/// - After a failure (hub unreachable), rounds back off exponentially from `initialBackoff`, with jitter, capped at
///   `maximumBackoff` (one minute): a link that returns is used within a minute, and thousands of offices coming
///   back online at once do not all retry in step. A local write does not cut a backoff short.
/// - When the hub said when to come back (`retry_after_s` of a 429 `hub_busy`: it knows its queue and its pace), the
///   next round waits that long and up to half as long again, spread by the same jitter, instead of guessing. It is
///   taken between 1 s and `maximumRetryAfter` (ten minutes), whatever the hub says.
public struct SyncSchedule: Sendable, Equatable {
    public var interval: Int64 = 60_000
    public var writeDelay: Int64 = 2_000
    public var initialBackoff: Int64 = 1_000
    public var maximumBackoff: Int64 = 60_000
    public var maximumRetryAfter: Int64 = 600_000

    /// When the next round is due (ms).
    public private(set) var due: Int64
    /// Consecutive failed rounds.
    public private(set) var failures = 0

    public init(now: Int64) {
        due = now
    }

    public func isDue(now: Int64) -> Bool { now >= due }

    /// A local write was seen at `now`.
    public mutating func localWrite(now: Int64) {
        guard failures == 0 else { return }
        due = min(due, now + writeDelay)
    }

    public mutating func succeeded(now: Int64) {
        failures = 0
        due = now + interval
    }

    /// `jitter` in 0...1 (a random draw in production, fixed in tests): the delay is between half and all of the
    /// exponential backoff, or between all and one and a half times `retryAfterSeconds` when the hub gave one.
    public mutating func failed(now: Int64, jitter: Double, retryAfterSeconds: Int64? = nil) {
        failures += 1
        // The jitter in thousandths, 0...1000: out of range is clamped, not a number is taken as none. The delays
        // are then whole-number arithmetic on values bounded first (a delay of at most 2^40 ms, 35 years), so no
        // setting can overflow them.
        let spread = jitter.isFinite ? Int64(exactly: (min(max(jitter, 0), 1) * 1_000).rounded()) ?? 0 : 0
        let longest: Int64 = 1 << 40
        if let retryAfterSeconds {
            let asked = min(max(retryAfterSeconds, 1), min(maximumRetryAfter, longest) / 1_000) * 1_000
            due = now + asked * (2_000 + spread) / 2_000
            return
        }
        let exponential = initialBackoff << Int64(min(failures - 1, 20))
        let capped = min(exponential, maximumBackoff, longest)
        due = now + max(1, capped * (1_000 + spread) / 2_000)
    }

    /// The `retry_after_s` a hub gave with a 429 `hub_busy`, if `error` is one.
    public static func retryAfterSeconds(of error: any Error) -> Int64? {
        guard let error = error as? TambonError, error.code == "hub_busy", let seconds = error.details["retry_after_s"]?.integerValue else {
            return nil
        }
        return seconds
    }
}
