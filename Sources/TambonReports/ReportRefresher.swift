import Logging
import ServiceLifecycle

/// Keeps the hub's report index up with pushes in the background, so a report request has only the last few
/// seconds' changes to read (the request refreshes too: a report is never older than the log).
public struct ReportRefresher: Service {
    public let index: ReportIndex
    public let logger: Logger
    public let interval: Duration

    public init(index: ReportIndex, logger: Logger, interval: Duration = .seconds(15)) {
        self.index = index
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let count = try await index.refresh()
                if count > 0 { logger.debug("report index refreshed", metadata: ["applications": "\(count)"]) }
            } catch {
                logger.error("report index refresh failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
