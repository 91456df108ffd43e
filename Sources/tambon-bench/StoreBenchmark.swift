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
        // The batches as the store is handed them: made in this process (each hash checked by encoding the change
        // again), and as a push or pull hands them over, read from the wire form with each hash computed by the
        // reader (``TambonCore/ReceivedChanges``), which happens before the clock starts.
        let made = stride(from: 0, to: changes.count, by: Self.batchSize).map {
            ReceivedChanges(Array(changes[$0..<min($0 + Self.batchSize, changes.count)]))
        }
        let read = try made.map { batch -> ReceivedChanges in
            guard case .array(let values) = ChangeCodec.batchValue(batch.changes) else { throw BenchFailure("a batch is not an array") }
            return try ChangeCodec.received(from: values) { index, error in BenchFailure("change \(index): \(error)") }
        }

        // Each figure is the best of `rounds` runs on a fresh database: the machine is shared and noisy, and the
        // fastest run is the one least disturbed by other work.
        var verified = (seconds: Double.infinity, bytes: 0)
        var unverified = (seconds: Double.infinity, bytes: 0)
        var unverifiedRead = (seconds: Double.infinity, bytes: 0)
        var checkpointAtCommit = (seconds: Double.infinity, bytes: 0)
        var noRules = (seconds: Double.infinity, bytes: 0)
        var byRuns = (seconds: Double.infinity, bytes: 0)
        var bare = Double.infinity
        for round in 1...Self.rounds {
            print("round \(round) of \(Self.rounds)")
            let checked = try await applyAll(made, verify: true, name: "verified")
            if checked.seconds < verified.seconds { verified = checked }
            let unchecked = try await applyAll(made, verify: false, name: "unverified")
            if unchecked.seconds < unverified.seconds { unverified = unchecked }
            let uncheckedRead = try await applyAll(read, verify: false, name: "unverified, as read")
            if uncheckedRead.seconds < unverifiedRead.seconds { unverifiedRead = uncheckedRead }
            // As before the background checkpoint: SQLite's own, at the end of a commit, on the writer's thread.
            let atCommit = try await applyAll(made, verify: false, checkpointInBackground: false, name: "unverified, checkpoint at commit")
            if atCommit.seconds < checkpointAtCommit.seconds { checkpointAtCommit = atCommit }
            // The same, with the authority rules turned off: what the rules cost, measured in the same run.
            let unruled = try await applyAll(made, verify: true, rules: nil, name: "verified, no authority rules")
            if unruled.seconds < noRules.seconds { noRules = unruled }
            // As a node pulling from the hub applies it: each origin's run authenticated by its last signature (SPEC §5.3a).
            let runs = try await applyAll(made, verify: true, runs: true, name: "verified by runs")
            if runs.seconds < byRuns.seconds { byRuns = runs }
            bare = min(bare, try bareInsert(rows: operations))
        }

        let opsVerified = Double(operations) / verified.seconds
        let opsUnverified = Double(operations) / unverified.seconds
        let opsUnverifiedRead = Double(operations) / unverifiedRead.seconds
        let opsCheckpointAtCommit = Double(operations) / checkpointAtCommit.seconds
        let opsNoRules = Double(operations) / noRules.seconds
        let opsByRuns = Double(operations) / byRuns.seconds
        let rulesCost = 1 - opsVerified / opsNoRules
        // The rules alone, with no store: steadier than the difference of two noisy apply runs.
        let decideSeconds = Self.timeDecisions(changes)
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
        print(
            String(
                format: "    apply, unverified, as read:   %9.0f ops/s  (%6.3f s; hashes computed by the reader, as a push or pull)",
                opsUnverifiedRead, unverifiedRead.seconds))
        print(
            String(
                format: "    apply, unverified, checkpoint at commit: %9.0f ops/s  (%6.3f s; SQLite's own checkpoint on the writer's thread)",
                opsCheckpointAtCommit, checkpointAtCommit.seconds))
        print(
            String(
                format: "    apply, runs authenticated:    %9.0f ops/s  (%6.3f s; each origin's run by its last signature, as a pull)", opsByRuns,
                byRuns.seconds))
        print(
            String(
                format: "    apply, no authority rules:    %9.0f ops/s  (the rules cost %.1f%% of apply throughput; target < 5%%)", opsNoRules,
                rulesCost * 100))
        print(
            String(
                format: "    the rules alone:              %9.0f ns per change (%.2f%% of the verified apply time)",
                decideSeconds / Double(changes.count) * 1e9, decideSeconds / verified.seconds * 100))
        print(String(format: "(b) bare SQLite insert:           %9.0f rows/s (%6.3f s)", rowsPerSecond, bare))
        print(String(format: "(c) ratio unverified / bare:      %9.3f   (target ≥ 0.5)", opsUnverified / rowsPerSecond))
        print(String(format: "    the same, as read / bare:     %9.3f", opsUnverifiedRead / rowsPerSecond))
        print(String(format: "    checkpoint at commit / bare:  %9.3f", opsCheckpointAtCommit / rowsPerSecond))
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
            "ops_per_s_unverified_read": .number(opsUnverifiedRead.rounded()),
            "ops_per_s_unverified_checkpoint_at_commit": .number(opsCheckpointAtCommit.rounded()),
            "ops_per_s_verified_no_rules": .number(opsNoRules.rounded()),
            "ops_per_s_verified_by_runs": .number(opsByRuns.rounded()),
            "authority_rules_cost_percent": .number((rulesCost * 1000).rounded() / 10),
            "authority_ns_per_change": .number((decideSeconds / Double(changes.count) * 1e9).rounded()),
            "authority_share_of_apply_percent": .number((decideSeconds / verified.seconds * 10000).rounded() / 100),
            "sqlite_rows_per_s": .number(rowsPerSecond.rounded()),
            "ratio_unverified": .number((opsUnverified / rowsPerSecond * 1000).rounded() / 1000),
            "ratio_unverified_read": .number((opsUnverifiedRead / rowsPerSecond * 1000).rounded() / 1000),
            "ratio_unverified_checkpoint_at_commit": .number((opsCheckpointAtCommit / rowsPerSecond * 1000).rounded() / 1000),
            "ratio_verified": .number((opsVerified / rowsPerSecond * 1000).rounded() / 1000),
            "db_bytes_per_op": .number((bytesPerOp * 10).rounded() / 10),
            "cores": .number(Double(ProcessInfo.processInfo.activeProcessorCount)),
        ]
    }

    /// The two writers: office 5001's office node and one of its survey laptops' keys (an update by a second origin).
    static let creator = NodeIdentity()
    static let updater = NodeIdentity()

    /// 10,000 records created with 5 fields each by origin A, then 10,000 changes updating 5 fields each by B (both
    /// enrolled as office 5001's, so the authority rules allow every change and run their whole course).
    static func makeChanges() throws -> [Change] {
        let creator = Self.creator
        let updater = Self.updater
        let start = UInt64(StoreConfiguration.systemMillis()) - 3_600_000
        var changes: [Change] = []
        changes.reserveCapacity(records * 2)
        var previous: [UInt8]? = nil
        for index in 0..<records {
            let change = try Change(
                origin: creator.id, seq: Int64(index + 1), hlc: HLC(millis: start + UInt64(index), counter: 0),
                collection: "permit_applications", record: "5001.app-\(index)", scope: ["5001"],
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
                collection: "permit_applications", record: "5001.app-\(index)", scope: ["5001"],
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

    /// Seconds to decide every change with the authority rules, best of 5 (each writer's enrolment looked up once, as
    /// the store's gate caches it per batch).
    static func timeDecisions(_ changes: [Change]) -> Double {
        let writers = Dictionary(uniqueKeysWithValues: [creator, updater].map { ($0.id, Enrolment(node: $0.id, office: "5001", role: .office)) })
        let rules = AuthorityRules.standard
        var best = Double.infinity
        var refused = 0
        for _ in 0..<5 {
            let clock = ContinuousClock()
            let started = clock.now
            for change in changes where Authority.decide(change, writer: writers[change.origin], rules: rules) != nil { refused += 1 }
            let elapsed = clock.now - started
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        precondition(refused == 0, "the benchmark's changes are all allowed")
        return best
    }

    /// Applies `changes` at a hub that enrolled both writers as office 5001's office nodes (the hub's intake path,
    /// where every office's pushes arrive), with the authority `rules` (nil: turned off).
    func applyAll(
        _ batches: [ReceivedChanges], verify: Bool, runs: Bool = false, rules: AuthorityRules? = .standard, checkpointInBackground: Bool = true,
        name: String
    ) async throws -> (seconds: Double, bytes: Int) {
        let folder = (directory as NSString).appendingPathComponent("apply-\(name.filter(\.isLetter))")
        try? FileManager.default.removeItem(atPath: folder)
        var configuration = StoreConfiguration()
        configuration.authority = rules
        if !checkpointInBackground { configuration.checkpointInterval = nil }
        let store = try DataDirectory(path: folder).create(configuration: configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "bench")
        // Both writers in the roster as office nodes of 5001 (written by the hub itself, as it publishes the roster:
        // enrolment allows one active office node per office, and the bench wants two origins).
        for writer in [Self.creator, Self.updater] {
            let entry = RosterEntry(enrolment: Enrolment(node: writer.id, office: "5001", role: .office), name: "writer", enrolledMillis: 0)
            try await store.write(collection: AuthorityRules.rosterCollection, record: entry.recordID, set: entry.fields, scope: ["5001"])
        }
        let options = ApplyOptions(verifySignatures: verify, enforceChain: false, authenticateRuns: runs)
        let clock = ContinuousClock()
        let started = clock.now
        var applied = 0
        for batch in batches {
            applied += try await store.apply(batch, options: options).applied
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "  apply (%@): %.3f s", name, seconds))
        // Every change must have been merged: a refused or waiting one would make the figure meaningless.
        let count = batches.reduce(0) { $0 + $1.count }
        guard applied == count else { throw BenchFailure("only \(applied) of \(count) changes were applied") }
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
