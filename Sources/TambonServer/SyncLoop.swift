import Foundation
import Logging
import ServiceLifecycle
import TambonCore
import TambonStore
import TambonSync

/// The node's background sync: watches the store for local writes (its own or another process's on the same
/// directory) and runs sync rounds as ``TambonSync/SyncSchedule`` decides, until graceful shutdown.
public struct SyncLoop: Service {
    public let store: Store
    public let logger: Logger
    public var schedule: SyncSchedule
    /// How often the store is checked for local writes.
    public var pollInterval: Duration

    public init(store: Store, logger: Logger, schedule: SyncSchedule? = nil, pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.logger = logger
        self.schedule = schedule ?? SyncSchedule(now: store.configuration.wallClock())
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        // The client is made at the first due round (the node may join its hub while the loop runs) and lives until
        // the loop ends; its shutdown is awaited on every path out, so no connection outlives the service.
        var client: HubClient?
        do {
            try await runRounds(client: &client)
        } catch {
            await client?.shutdown()
            throw error
        }
        await client?.shutdown()
    }

    private func runRounds(client: inout HubClient?) async throws {
        var schedule = self.schedule
        var lastSeen = try await store.node()?.lastSeq ?? 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = store.configuration.wallClock()
            let seq = try await store.node()?.lastSeq ?? 0
            if seq != lastSeen {
                lastSeen = seq
                schedule.localWrite(now: now)
            }
            if schedule.isDue(now: now) {
                do {
                    guard let link = try await store.hubLink() else {
                        throw StoreError(.notJoined, "this node is not enrolled with a hub", hint: "tambon node join")
                    }
                    if client == nil { client = try HubClient(url: link.url, caPEM: link.caPEM) }
                    let engine = SyncEngine(store: store, transport: client!, logger: logger)
                    let report = try await engine.round()
                    schedule.succeeded(now: store.configuration.wallClock())
                    if await engine.refreshDirectory() { logger.info("agency directory updated") }
                    if report.pushed + report.pulled > 0 {
                        logger.info("synced", metadata: ["pushed": "\(report.pushed)", "pulled": "\(report.pulled)"])
                    }
                } catch {
                    schedule.failed(
                        now: store.configuration.wallClock(), jitter: Double.random(in: 0...1),
                        retryAfterSeconds: SyncSchedule.retryAfterSeconds(of: error))
                    logger.warning(
                        "sync failed; retrying",
                        metadata: [
                            "error": "\(error)", "retry_in_ms": "\(schedule.due - store.configuration.wallClock())",
                        ])
                }
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
