import Foundation
import GRDB
import GRDBSQLite
import TambonCore
import TambonStore

/// `tambon-bench store`: remote apply throughput against the bare-SQLite insert rate of this machine.
struct StoreBenchmark {
    static let records = 10_000
    static let fieldsPerChange = 5
    static let batchSize = 1_000
    static let rounds = 3

    let directory: String

    func run() async throws -> [String: JSONValue] {
        print("preparing 20,000 signed changes (10,000 creations by one origin, 10,000 updates by another) …")
        let changes = try Self.makeChanges()
        let operations = changes.reduce(0) { $0 + $1.operations.count }
        print("  \(changes.count) changes, \(operations) operations")

        // Each figure is the best of `rounds` runs on a fresh database: the machine is shared and noisy, and the
        // fastest run is the one least disturbed by other work.
        var verified = (seconds: Double.infinity, bytes: 0)
        var unverified = (seconds: Double.infinity, bytes: 0)
        var bare = Double.infinity
        for round in 1...Self.rounds {
            print("round \(round) of \(Self.rounds)")
            let checked = try await applyAll(changes, verify: true, name: "verified")
            if checked.seconds < verified.seconds { verified = checked }
            let unchecked = try await applyAll(changes, verify: false, name: "unverified")
            if unchecked.seconds < unverified.seconds { unverified = unchecked }
            bare = min(bare, try bareInsert(rows: operations))
        }

        let opsVerified = Double(operations) / verified.seconds
        let opsUnverified = Double(operations) / unverified.seconds
        let rowsPerSecond = Double(operations) / bare
        let bytesPerOp = Double(verified.bytes) / Double(operations)
        print("")
        print(
            String(
                format: "(a) apply, signatures verified:   %9.0f ops/s  (%6.3f s, %7.0f changes/s)", opsVerified, verified.seconds,
                Double(changes.count) / verified.seconds))
        print(
            String(
                format: "    apply, signatures unverified: %9.0f ops/s  (%6.3f s, %7.0f changes/s)", opsUnverified, unverified.seconds,
                Double(changes.count) / unverified.seconds))
        print(String(format: "(b) bare SQLite insert:           %9.0f rows/s (%6.3f s)", rowsPerSecond, bare))
        print(String(format: "(c) ratio unverified / bare:      %9.3f   (target ≥ 0.5)", opsUnverified / rowsPerSecond))
        print(String(format: "    ratio verified / bare:        %9.3f", opsVerified / rowsPerSecond))
        print(String(format: "    verified ops/s target ≥ 60,000: %@", opsVerified >= 60_000 ? "met" : "NOT met"))
        print(String(format: "    database size:                %9.1f bytes per operation (%d bytes)", bytesPerOp, verified.bytes))
        return [
            "benchmark": "store",
            "operations": .number(Double(operations)),
            "changes": .number(Double(changes.count)),
            "batch_size": .number(Double(Self.batchSize)),
            "rounds": .number(Double(Self.rounds)),
            "ops_per_s_verified": .number(opsVerified.rounded()),
            "ops_per_s_unverified": .number(opsUnverified.rounded()),
            "sqlite_rows_per_s": .number(rowsPerSecond.rounded()),
            "ratio_unverified": .number((opsUnverified / rowsPerSecond * 1000).rounded() / 1000),
            "ratio_verified": .number((opsVerified / rowsPerSecond * 1000).rounded() / 1000),
            "db_bytes_per_op": .number((bytesPerOp * 10).rounded() / 10),
            "cores": .number(Double(ProcessInfo.processInfo.activeProcessorCount)),
        ]
    }

    /// 10,000 records created with 5 fields each by origin A, then 10,000 changes updating 5 fields each by B.
    static func makeChanges() throws -> [Change] {
        let creator = NodeIdentity()
        let updater = NodeIdentity()
        let start = UInt64(StoreConfiguration.systemMillis()) - 3_600_000
        var changes: [Change] = []
        changes.reserveCapacity(records * 2)
        var previous: [UInt8]? = nil
        for index in 0..<records {
            let change = try Change(
                origin: creator.id, seq: Int64(index + 1), hlc: HLC(millis: start + UInt64(index), counter: 0),
                collection: "permit_applications", record: "app-\(index)", scope: ["5001"],
                operations: [
                    .set(field: "applicant_name", value: .string("นายสมชาย ใจดี \(index)")),
                    .set(field: "area_m2", value: .number(Double(60 + index % 90) + 0.5)),
                    .set(field: "status", value: "submitted"),
                    .set(field: "storeys", value: .number(Double(1 + index % 2))),
                    .set(field: "site", value: ["lat": .number(18.79 + Double(index) / 1e5), "lon": 98.98]),
                ], previous: previous
            ).signed(by: creator)
            previous = change.hash
            changes.append(change)
        }
        previous = nil
        for index in 0..<records {
            let change = try Change(
                origin: updater.id, seq: Int64(index + 1), hlc: HLC(millis: start + 600_000 + UInt64(index), counter: 0),
                collection: "permit_applications", record: "app-\(index)", scope: ["5001"],
                operations: [
                    .set(field: "area_m2", value: .number(Double(61 + index % 89))),
                    .set(field: "assignee", value: .string("surveyor-\(index % 7)")),
                    .set(field: "fee_baht", value: .number(260)),
                    .set(field: "status", value: "accepted"),
                    .set(field: "storeys", value: .number(2)),
                ], previous: previous
            ).signed(by: updater)
            previous = change.hash
            changes.append(change)
        }
        return changes
    }

    func applyAll(_ changes: [Change], verify: Bool, name: String) async throws -> (seconds: Double, bytes: Int) {
        let folder = (directory as NSString).appendingPathComponent("apply-\(name)")
        try? FileManager.default.removeItem(atPath: folder)
        let store = try DataDirectory(path: folder).create(configuration: StoreConfiguration())
        try await store.initialiseNode(office: "5001", name: "bench")
        let options = ApplyOptions(verifySignatures: verify, enforceChain: false)
        let clock = ContinuousClock()
        let started = clock.now
        var index = 0
        while index < changes.count {
            let end = min(index + Self.batchSize, changes.count)
            try await store.apply(Array(changes[index..<end]), options: options)
            index = end
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "  apply (%@): %.3f s", name, seconds))
        try await store.checkpoint()
        let bytes = Self.size(of: folder)
        return (seconds, bytes)
    }

    /// (b): the same number of rows into a bare table with the same kind of key, one prepared statement, one
    /// transaction, the same journal mode and synchronous setting as the store.
    func bareInsert(rows: Int) throws -> Double {
        let path = (directory as NSString).appendingPathComponent("bare.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let db = handle else { throw BenchFailure("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchFailure(String(cString: sqlite3_errmsg(db))) }
        }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
        try exec(
            """
            CREATE TABLE fields (collection TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
            hlc INTEGER NOT NULL, origin BLOB NOT NULL, PRIMARY KEY (collection, record_id, field)) WITHOUT ROWID
            """)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let names = ["applicant_name", "area_m2", "status", "storeys", "site", "assignee", "fee_baht", "a", "b", "c"]
        let origin = [UInt8](repeating: 7, count: 32)
        // Keys and values prepared before timing, as the store's changes were.
        let keys = (0..<rows).map { ("app-\($0 / 10)", names[$0 % 10], "\"value \($0)\"") }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?)", -1, &statement, nil) == SQLITE_OK else {
            throw BenchFailure(String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        let clock = ContinuousClock()
        let started = clock.now
        try exec("BEGIN IMMEDIATE")
        for (index, key) in keys.enumerated() {
            sqlite3_bind_text(statement, 1, "permit_applications", -1, transient)
            sqlite3_bind_text(statement, 2, key.0, -1, transient)
            sqlite3_bind_text(statement, 3, key.1, -1, transient)
            sqlite3_bind_text(statement, 4, key.2, -1, transient)
            sqlite3_bind_int64(statement, 5, Int64(index))
            origin.withUnsafeBytes { _ = sqlite3_bind_blob(statement, 6, $0.baseAddress, 32, transient) }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchFailure(String(cString: sqlite3_errmsg(db))) }
            sqlite3_reset(statement)
        }
        try exec("COMMIT")
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "  bare insert: %.3f s", seconds))
        return seconds
    }

    static func size(of folder: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(name))
            return total + ((attributes?[.size] as? Int) ?? 0)
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
