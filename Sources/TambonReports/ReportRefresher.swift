import Logging
import ServiceLifecycle

/// Keeps the hub's report index up with pushes in the background, so a report request has only the last few
/// seconds' changes to read (the request refreshes too: a report is never older than the log).
///
/// The index is derived work and yields to the offices: while `busy` says writes are queued at the hub (a region
/// coming back after an outage), a round is put off, for at most `maximumDeferral` since the last refresh, and the
/// index catches up in one larger step once the burst is over. A report asked for meanwhile still refreshes first.
public struct ReportRefresher: Service {
    public let index: ReportIndex
    public let logger: Logger
    public let interval: Duration
    public let maximumDeferral: Duration
    let busy: @Sendable () async -> Bool
    let clock = ContinuousClock()

    public init(
        index: ReportIndex, logger: Logger, interval: Duration = .seconds(15), maximumDeferral: Duration = .seconds(120),
        busy: @escaping @Sendable () async -> Bool = { false }
    ) {
        self.index = index
        self.logger = logger
        self.interval = interval
        self.maximumDeferral = maximumDeferral
        self.busy = busy
    }

    public func run() async throws {
        var refreshed = clock.now
        var first = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let deferred = first ? false : await shouldDefer(since: refreshed)
            if !deferred {
                first = false
                do {
                    let count = try await index.refresh()
                    if count > 0 { logger.debug("report index refreshed", metadata: ["applications": "\(count)"]) }
                } catch {
                    logger.error("report index refresh failed", metadata: ["error": "\(error)"])
                }
                refreshed = clock.now
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Whether to put this round off: writes are queued, and the index is not yet `maximumDeferral` old.
    func shouldDefer(since refreshed: ContinuousClock.Instant) async -> Bool {
        guard clock.now - refreshed < maximumDeferral, await busy() else { return false }
        logger.debug("report index refresh put off while writes are queued")
        return true
    }
}
