import Logging
import ServiceLifecycle
import TambonCore
import TambonHub
import TambonStore
import Testing

/// The service that writes the hub's request nonces behind: on its interval while the hub serves, and once more
/// when it stops gracefully, so what was accepted before a stop is refused after the restart.
@Suite struct NonceFlusherTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func enrolledHub() async throws -> (Store, NodeID) {
        let store = try Store.inMemory()
        _ = try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        let node = try NodeIdentity(seed: Array(repeating: 4, count: 32)).id
        let token = try await store.peers.createEnrolmentToken(office: "5001", role: .office)
        _ = try await store.peers.enrol(token: token, node: node, office: "5001", name: "a")
        return (store, node)
    }

    /// Runs `body` while a flusher of `ledger` serves, then stops it gracefully.
    func serving(_ ledger: NonceLedger, every interval: Duration, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(
            services: [NonceFlusher(ledger: ledger, logger: Self.quiet, interval: interval)], gracefulShutdownSignals: [], logger: Self.quiet)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aGracefulStopWritesWhatWaits() async throws {
        let (store, node) = try await enrolledHub()
        let ledger = NonceLedger(directory: store.peers, wallClock: store.configuration.wallClock, writeThrough: false)
        // An interval far longer than the test: only the stop can write.
        try await serving(ledger, every: .seconds(3600)) {
            _ = try await ledger.authenticate(node: node, nonce: 41, skewMillis: nil)
            #expect(try await store.peers.lastNonce(of: node) == 0)
        }
        #expect(try await store.peers.lastNonce(of: node) == 41)
        #expect(ledger.pending == 0)
    }

    @Test func itWritesOnItsIntervalWhileServing() async throws {
        let (store, node) = try await enrolledHub()
        let ledger = NonceLedger(directory: store.peers, wallClock: store.configuration.wallClock, writeThrough: false)
        try await serving(ledger, every: .milliseconds(20)) {
            _ = try await ledger.authenticate(node: node, nonce: 7, skewMillis: nil)
            var written: Int64? = 0
            for _ in 0..<250 where written != 7 {
                try await Task.sleep(for: .milliseconds(20))
                written = try await store.peers.lastNonce(of: node)
            }
            #expect(written == 7, "written while the service still runs")
        }
    }
}
