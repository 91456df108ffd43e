/// The hybrid logical clock of one node: a value type with no I/O. The caller supplies wall time and persists
/// ``last`` (the high-water mark) together with whatever the timestamp is used for, so a restarted process,
/// or a wall clock that jumps backwards, never issues a timestamp at or below one already issued.
public struct HybridLogicalClock: Sendable, Equatable {
    /// Default bound on how far ahead of local wall time a remote timestamp may be: 5 minutes.
    public static let defaultMaximumSkewMillis: Int64 = 5 * 60 * 1000

    /// The highest timestamp this clock has issued or received.
    public private(set) var last: HLC
    /// How far ahead of local wall time a remote timestamp may be before it is refused.
    public var maximumSkewMillis: Int64

    public init(last: HLC = .zero, maximumSkewMillis: Int64 = Self.defaultMaximumSkewMillis) {
        self.last = last
        self.maximumSkewMillis = maximumSkewMillis
    }

    /// A timestamp for a local event (a write), strictly greater than every timestamp seen so far.
    public mutating func tick(wallMillis: Int64) -> HLC {
        let wall = Self.clamp(wallMillis)
        let next: HLC
        if wall > last.millis {
            next = HLC(millis: wall, counter: 0)
        } else {
            next = Self.increment(last)
        }
        last = next
        return next
    }

    /// Refuses a remote timestamp that lies more than ``maximumSkewMillis`` ahead of `wallMillis`.
    public func checkSkew(_ remote: HLC, origin: NodeID?, wallMillis: Int64) throws(ClockSkewError) {
        let ahead = Int64(remote.millis) - wallMillis
        if ahead > maximumSkewMillis {
            throw ClockSkewError(origin: origin, skewMillis: ahead, maximumMillis: maximumSkewMillis)
        }
    }

    /// The receive rule: after seeing `remote`, the clock is above both it and everything issued before, so every
    /// later local write is ordered after the remote change it may depend on. Refuses timestamps beyond the skew bound.
    @discardableResult
    public mutating func receive(_ remote: HLC, origin: NodeID?, wallMillis: Int64) throws(ClockSkewError) -> HLC {
        try checkSkew(remote, origin: origin, wallMillis: wallMillis)
        let wall = Self.clamp(wallMillis)
        let millis = max(wall, last.millis, remote.millis)
        let next: HLC
        if millis == last.millis && millis == remote.millis {
            next = Self.increment(HLC(millis: millis, counter: max(last.counter, remote.counter)))
        } else if millis == last.millis {
            next = Self.increment(last)
        } else if millis == remote.millis {
            next = Self.increment(remote)
        } else {
            next = HLC(millis: millis, counter: 0)
        }
        last = next
        return next
    }

    /// The next timestamp after `time`; when the counter is exhausted the logical milliseconds move on
    /// (HLC stays within bounded distance of wall time because this needs 65,536 events in one millisecond).
    static func increment(_ time: HLC) -> HLC {
        if time.counter == UInt16.max {
            return HLC(millis: time.millis + 1, counter: 0)
        }
        return HLC(rawValue: time.rawValue + 1)
    }

    static func clamp(_ wallMillis: Int64) -> UInt64 {
        UInt64(min(max(wallMillis, 0), Int64(HLC.maximumMillis)))
    }
}
