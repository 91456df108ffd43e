import Logging
import ServiceLifecycle
import TambonStore

/// Keeps the hub's report index up with pushes in the background, so a report request has only the last few
/// seconds' changes to read (the request refreshes too: a report is never older than the log). During a burst of
/// changes it waits, up to a bound (``RefreshPacing``), so the burst's pushes get the cores.
public struct ReportRefresher: Service {
    public let index: ReportIndex
    public let logger: Logger
    public let interval: Duration
    public let pacing: RefreshPacing

    public init(index: ReportIndex, logger: Logger, interval: Duration = .seconds(15), pacing: RefreshPacing = RefreshPacing()) {
        self.index = index
        self.logger = logger
        self.interval = interval
        self.pacing = pacing
    }

    public func run() async throws {
        var pacing = self.pacing
        let clock = ContinuousClock()
        let start = clock.now
        var deferring = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let now = clock.now - start
                switch pacing.decide(position: try await index.store.feedPosition(), at: now) {
                case .deferred(let rate, let waited):
                    // Logged once a burst: not at every tick it lasts.
                    if !deferring {
                        logger.info(
                            "report index refresh deferred during a burst of changes",
                            metadata: ["changes_per_second": "\(rate)", "waited_seconds": "\(waited.components.seconds)"])
                    }
                    deferring = true
                case .refresh:
                    pacing.refreshed(at: now)
                    let count = try await index.refresh()
                    if deferring || count > 0 {
                        logger.log(
                            level: deferring ? .info : .debug, "report index refreshed", metadata: ["applications": "\(count)"])
                    }
                    deferring = false
                }
            } catch {
                logger.error("report index refresh failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
