import Logging
import ServiceLifecycle
import TambonCore
import TambonStore

/// Writes the hub's request bookkeeping (``TambonStore/NonceLedger``) every ``TambonStore/NonceLedger/flushInterval``
/// while the hub serves, and once more when it shuts down, so a graceful stop loses none of it.
public struct NonceFlusher: Service {
    public let ledger: NonceLedger
    public let logger: Logger
    public let interval: Duration

    public init(ledger: NonceLedger, logger: Logger, interval: Duration = NonceLedger.flushInterval) {
        self.ledger = ledger
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
        await flush()
    }

    private func flush() async {
        do {
            try await ledger.flush()
        } catch {
            // What failed waits in memory for the next attempt.
            logger.error("writing request nonces failed", metadata: ["error": "\(TambonError(error).english)", "waiting": "\(ledger.pending)"])
        }
    }
}
