import Foundation
import GRDB
import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// The write-ahead log is checkpointed in the background (`StoreConfiguration.checkpointInterval`): committed pages
/// reach the database file with no commit waiting for it, and an explicit checkpoint still succeeds meanwhile.
@Suite struct WALCheckpointerTests {
    /// A store on disk with the authority rules off (the writes name no office), checkpointing every `interval`.
    static func store(at directory: String, checkpointing interval: Duration?) async throws -> Store {
        var configuration = StoreConfiguration()
        configuration.authority = nil
        configuration.checkpointInterval = interval
        let store = try DataDirectory(path: directory).create(configuration: configuration)
        try await store.initialiseNode(office: "5001", name: "checkpoint test")
        return store
    }

    /// Records named `r-…` in a copy of the database file alone, without its log: what a checkpoint has moved into
    /// it. Nil if the copy cannot be read as a store yet (no checkpoint has written its tables).
    static func recordsInDatabaseFile(of directory: String) -> Int? {
        let copy = temporaryDirectory("tambon-checkpoint-copy")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        do {
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: directory + "/" + Store.databaseFileName, toPath: copy + "/db.sqlite")
            let queue = try DatabaseQueue(path: copy + "/db.sqlite")
            defer { try? queue.close() }
            return try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM records WHERE record_id LIKE 'r-%'") }
        } catch {
            return nil
        }
    }

    static func writeRecords(_ store: Store, count: Int) async throws {
        for index in 0..<count {
            try await store.write(collection: "c", record: "r-\(index)", set: ["n": .number(Double(index)), "text": .string("วันที่ \(index)")])
        }
    }

    @Test func committedPagesReachTheDatabaseFileWithoutACheckpointCall() async throws {
        let directory = temporaryDirectory("tambon-checkpoint")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await Self.store(at: directory, checkpointing: .milliseconds(20))
        // Far fewer pages than SQLite's own threshold of 1,000: only the background checkpoint moves them.
        try await Self.writeRecords(store, count: 40)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var found = Self.recordsInDatabaseFile(of: directory)
        while found != 40, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            found = Self.recordsInDatabaseFile(of: directory)
        }
        #expect(found == 40)
        #expect(try await store.record(collection: "c", id: "r-39")?.fields["n"] == .number(39))
    }

    /// The same writes with the background checkpoint off stay in the log: the test above would fail without it.
    @Test func withoutTheBackgroundCheckpointTheyStayInTheLog() async throws {
        let directory = temporaryDirectory("tambon-checkpoint-off")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await Self.store(at: directory, checkpointing: nil)
        try await Self.writeRecords(store, count: 40)
        try await Task.sleep(for: .milliseconds(200))
        #expect((Self.recordsInDatabaseFile(of: directory) ?? 0) == 0)
        try await store.checkpoint()
        #expect(Self.recordsInDatabaseFile(of: directory) == 40)
    }

    /// SQLite answers "busy" at once to a checkpoint that finds another one running; the store's own call waits for
    /// its turn instead of failing (it did in `tambon-bench store`).
    @Test func anExplicitCheckpointSucceedsWhileTheBackgroundOneRuns() async throws {
        let directory = temporaryDirectory("tambon-checkpoint-busy")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await Self.store(at: directory, checkpointing: .milliseconds(1))
        for round in 0..<30 {
            try await store.write(collection: "c", record: "r-\(round)", set: ["n": .number(Double(round))])
            try await store.checkpoint()
        }
        #expect(Self.recordsInDatabaseFile(of: directory) == 30)
    }

    /// Whatever interval a caller sets, opening the store neither traps nor spins.
    @Test(arguments: [Duration.seconds(Int64.max), .seconds(-5), .zero, .nanoseconds(1)])
    func anyIntervalIsAccepted(_ interval: Duration) async throws {
        let directory = temporaryDirectory("tambon-checkpoint-interval")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await Self.store(at: directory, checkpointing: interval)
        try await Self.writeRecords(store, count: 3)
        #expect(try await store.record(collection: "c", id: "r-2") != nil)
    }
}
