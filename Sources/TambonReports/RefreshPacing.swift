/// When the report index's background refresh runs (``ReportRefresher``). Every tick, unless the log is taking a
/// burst of changes, such as the morning after a regional outage, when a thousand offices push their backlog at
/// once. Then the refresh waits, so the cores go to the offices' pushes and no-op syncs, not to re-reading
/// every application they touch while they are still arriving. It waits no longer than `maximumDeferral`, and a
/// report request still refreshes the index itself first, so a report is never older than the log either way.
///
/// Pure: the refresher feeds it the feed's position and a monotonic time at each tick.
public struct RefreshPacing: Sendable {
    public enum Decision: Equatable, Sendable {
        case refresh
        /// A burst is arriving at this many changes a second; the index has waited `waited` so far.
        case deferred(changesPerSecond: Int64, waited: Duration)
    }

    /// Changes a second above which the log is taking a burst. A country's steady traffic is about 26 a second
    /// (7,850 offices syncing every 5 minutes); a regional outage's backlog arrives at thousands a second.
    public let burstRate: Int64
    /// The longest a burst may hold the refresh back.
    public let maximumDeferral: Duration

    private var last: (position: Int64, at: Duration)?
    private var lastRefresh: Duration?

    public init(burstRate: Int64 = 500, maximumDeferral: Duration = .seconds(300)) {
        precondition(burstRate > 0 && maximumDeferral >= .zero)
        self.burstRate = burstRate
        self.maximumDeferral = maximumDeferral
    }

    /// What to do at time `now`, the feed being at `position`. The first tick always refreshes (a restarted hub
    /// catches up); a refresh is recorded by ``refreshed(at:)``.
    public mutating func decide(position: Int64, at now: Duration) -> Decision {
        defer { last = (position, now) }
        guard let last, let lastRefresh, now > last.at else { return .refresh }
        let elapsed = now - last.at
        // Arrivals over the last tick, per second; a feed position never goes back, but a restored hub's could.
        let arrived = max(0, position - last.position)
        let rate = Double(arrived) / Self.seconds(elapsed)
        let waited = now - lastRefresh
        guard rate > Double(burstRate), waited < maximumDeferral else { return .refresh }
        // Clamped before conversion: a tick a nanosecond long could make any rate.
        return .deferred(changesPerSecond: Int64(min(rate, 1e15).rounded()), waited: waited)
    }

    /// The refresh decided at `now` ran (successful or not: a failing refresh is retried at the next tick anyway).
    public mutating func refreshed(at now: Duration) {
        lastRefresh = now
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
