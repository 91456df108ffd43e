import Foundation
import Logging
import TambonCore
import TambonHub
import TambonProtocol
import TambonServer
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTestSupport
import Testing

@Suite(.serialized) struct RecoveryTests {
    @Test func exportAndImportCarryChangesWithTheChecksOfAPush() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            for index in 0..<3 {
                try await node.store.write(collection: "permits", record: "6500101.app-\(index)", set: ["area": .number(Double(100 + index))])
            }
            let (bytes, count) = try await ExportFile.make(store: node.store)
            #expect(count == 3)

            // Altered on the way: refused, nothing applied.
            var altered = bytes
            let at = altered.firstIndex(of: UInt8(ascii: "1"))!
            altered[at] = UInt8(ascii: "9")
            #expect(throws: TambonError.self) { _ = try ExportFile.read(altered) }

            let (origin, changes) = try ExportFile.read(bytes)
            let peer = try #require(try await hub.store.peers.peer(origin))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let outcome = try await HubIntake(store: hub.store, logger: logger).accept(changes, from: peer)
            #expect(outcome.applied == 3 && outcome.acceptedSeq == 3)
            #expect(try await hub.store.record(collection: "permits", id: "6500101.app-2")?.fields["area"] == 102)
            // Importing twice changes nothing; the node's next sync learns the hub has everything.
            #expect(try await HubIntake(store: hub.store, logger: logger).accept(changes, from: peer).applied == 0)
            try await node.sync()
            #expect(try await node.store.pendingCount() == 0)
            #expect(try await node.store.digest(scope: "6500101") == hub.store.digest(scope: "6500101"))
        }
    }

    @Test func restoreRebuildsAnOfficesNodeWithANewIdentity() async throws {
        try await withHub { hub in
            let old = try await hub.node(office: "6500101")
            try await old.store.write(collection: "permits", record: "6500101.app-1", set: ["area": 120])
            try await old.store.write(collection: "letters", record: "6500101.l-1", set: ["subject": "x"], scope: ["6500101", "6500102"])
            try await old.sync()

            // While the old office node is active, an office-role token cannot enrol another.
            let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
            let directory = DataDirectory(path: temporaryDirectory("tambon-restore"))
            defer { try? FileManager.default.removeItem(atPath: directory.path) }
            await #expect(throws: TambonError.self) {
                _ = try await NodeEnrolment.restore(
                    directory: directory, configuration: hub.clock.configuration, url: hub.url, caPEM: hub.caPEM, token: token)
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path), "a refused restore writes nothing")

            try await hub.store.peers.revoke(node: old.info.id)
            let (store, report) = try await NodeEnrolment.restore(
                directory: directory, configuration: hub.clock.configuration, url: hub.url, caPEM: hub.caPEM, token: token)
            let restored = try #require(try await store.node())
            #expect(restored.id != old.info.id && restored.office == "6500101")
            // Two changes, and the roster: the old node's entry (enrolled, shared with 6500102 when its letter went
            // there, revoked) and the new node's.
            #expect(report.pulled == 6)
            #expect(try await store.digest(scope: "6500101") == hub.store.digest(scope: "6500101"))
            // The restored node works: it writes and syncs as the office's node.
            try await store.write(collection: "permits", record: "6500101.app-1", set: ["status": "accepted"])
            try await withHubClient(try HubClient(url: hub.url, caPEM: hub.caPEM)) { client in
                try await SyncEngine(store: store, transport: client, logger: quietLogger).round()
            }
            #expect(try await hub.store.record(collection: "permits", id: "6500101.app-1")?.fields == ["area": 120, "status": "accepted"])
        }
    }

    @Test func aDirectoryRestoredFromAnOldBackupIsToldItIsStale() async throws {
        try await withHub { hub in
            let path = temporaryDirectory("tambon-stale")
            defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: path + "-backup") }
            let store = try DataDirectory(path: path).create(configuration: hub.clock.configuration)
            try await store.initialiseNode(office: "6500101", name: "n")
            try await NodeEnrolment.join(
                store: store, url: hub.url, caPEM: hub.caPEM, token: try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office))
            try await store.write(collection: "c", record: "6500101.r", set: ["x": 1])
            try await store.checkpoint()
            try FileManager.default.copyItem(atPath: path, toPath: path + "-backup")
            try await store.write(collection: "c", record: "6500101.r", set: ["x": 2])
            try await withHubClient(try HubClient(url: hub.url, caPEM: hub.caPEM)) { client in
                try await SyncEngine(store: store, transport: client, logger: quietLogger).round()

                let backup = try DataDirectory(path: path + "-backup").open(configuration: hub.clock.configuration)
                do {
                    try await SyncEngine(store: backup, transport: client, logger: quietLogger).round()
                    Issue.record("a stale copy synced as if nothing happened")
                } catch let error as StoreError {
                    #expect(error.code == .staleLog)
                    #expect(error.description.contains("node restore"))
                }
                // Had it written first, the hub would have refused the reused seq as a fork.
                try await backup.write(collection: "c", record: "6500101.r", set: ["x": 3])
                await #expect(throws: TambonError.self) { try await SyncEngine(store: backup, transport: client, logger: quietLogger).round() }
                #expect(try await hub.store.record(collection: "c", id: "6500101.r")?.fields["x"] == 2)
            }
        }
    }
}

@Suite(.serialized) struct SyncLoopTests {
    @Test func theBackgroundLoopPushesSoonAfterALocalWriteAndPullsTheHubsChanges() async throws {
        try await withHub(clock: ManualClock(StoreConfiguration.systemMillis())) { hub in
            let store = try Store.inMemory()
            try await store.initialiseNode(office: "6500101", name: "n")
            try await NodeEnrolment.join(
                store: store, url: hub.url, caPEM: hub.caPEM, token: try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office))
            var logger = Logger(label: "test.loop")
            logger.logLevel = .critical
            var schedule = SyncSchedule(now: StoreConfiguration.systemMillis())
            schedule.writeDelay = 100
            let loop = SyncLoop(store: store, logger: logger, schedule: schedule, pollInterval: .milliseconds(50))
            // The loop runs as a child task: cancelled and awaited when the test ends, however it ends.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }

                try await store.write(collection: "permits", record: "6500101.app-1", set: ["area": 120])
                var arrived = false
                for _ in 0..<100 where !arrived {
                    try await Task.sleep(for: .milliseconds(50))
                    arrived = try await hub.store.record(collection: "permits", id: "6500101.app-1") != nil
                }
                #expect(arrived, "a local write reaches the hub within seconds")
                // A write by the hub for this office comes down too (the loop pulls as well as pushes).
                try await hub.store.write(collection: "notices", record: "6500101.n-1", set: ["text": "x"], scope: ["6500101"])
                try await store.write(collection: "permits", record: "6500101.app-2", set: ["area": 90])
                var pulled = false
                for _ in 0..<100 where !pulled {
                    try await Task.sleep(for: .milliseconds(50))
                    pulled = try await store.record(collection: "notices", id: "6500101.n-1") != nil
                }
                #expect(pulled)
                group.cancelAll()
            }
        }
    }
}
