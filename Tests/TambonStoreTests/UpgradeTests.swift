import Foundation
import GRDB
import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// Opening a data directory written by an earlier version.
@Suite struct UpgradeTests {
    @Test func aHubsOldReportTablesAreDroppedWhenItsStoreOpens() throws {
        let directory = temporaryDirectory("tambon-upgrade")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + Store.databaseFileName
        // What a hub's file held when its report index kept its tables beside the store ("reports-v1").
        let legacy = try DatabaseQueue(path: path)
        try legacy.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('reports-v1');
                    CREATE TABLE report_groups (grp INTEGER PRIMARY KEY, office TEXT, service TEXT, status TEXT);
                    CREATE TABLE report_facts (record_id TEXT PRIMARY KEY, grp INTEGER);
                    CREATE TABLE report_cursor (id INTEGER PRIMARY KEY, arrival INTEGER NOT NULL);
                    INSERT INTO report_cursor VALUES (1, 42);
                    """)
        }
        try legacy.close()
        _ = try Store.open(path: path)
        let reopened = try DatabaseQueue(path: path)
        let tables = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'report%'")
        }
        #expect(tables.isEmpty, "left: \(tables)")
        #expect(try reopened.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.contains("v4-report-index-moved-out"))
        #expect(!(try reopened.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.contains("reports-v1")))
    }
}

/// The log rebuilt keyed by arrival (migration "v11-log-by-arrival"): a data directory written with the log keyed
/// by (origin, seq) opens with every change, position and state it held.
@Suite struct LogByArrivalUpgradeTests {
    @Test func aLogKeyedByOriginAndSeqIsRebuiltWithNothingLost() async throws {
        let directory = temporaryDirectory("tambon-upgrade-log")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + Store.databaseFileName
        var configuration = ManualClock().configuration
        configuration.authority = nil
        configuration.checkpointInterval = nil

        let before: [(position: Int64, hash: [UInt8])]
        let digest: String
        do {
            let store = try Store.open(path: path, configuration: configuration)
            try await store.initialiseNode(office: "5001", name: "upgrade")
            for index in 0..<5 {
                try await store.write(collection: "cases", record: "5001.c\(index)", set: ["status": .string("received")])
            }
            try await store.write(collection: "cases", record: "5001.c2", set: ["status": .string("done")])
            before = try await store.changes(after: 0).changes.map { ($0.position, $0.change.hash) }
            digest = try await store.digest(scope: "5001")
        }
        #expect(before.count == 6)

        // Back to the layout every version before v11 wrote, the last change marked refused on the way (only to see
        // the refusal columns travel: the migration does not derive the state again).
        let legacy = try DatabaseQueue(path: path)
        try await legacy.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE changes_old (
                        origin BLOB NOT NULL, seq INTEGER NOT NULL, arrival INTEGER NOT NULL, hlc INTEGER NOT NULL,
                        collection TEXT NOT NULL, record_id TEXT NOT NULL, scope TEXT NOT NULL, ops TEXT NOT NULL, prev BLOB,
                        hash BLOB NOT NULL, sig BLOB NOT NULL, refused TEXT, refused_message TEXT,
                        PRIMARY KEY (origin, seq)
                    ) WITHOUT ROWID;
                    INSERT INTO changes_old SELECT origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig,
                        CASE WHEN arrival = 6 THEN 'test_refusal' END, CASE WHEN arrival = 6 THEN 'kept through the upgrade' END
                    FROM changes;
                    DROP TABLE changes;
                    ALTER TABLE changes_old RENAME TO changes;
                    CREATE UNIQUE INDEX changes_by_arrival ON changes (arrival);
                    CREATE INDEX changes_by_record ON changes (collection, record_id, arrival);
                    CREATE INDEX changes_refused ON changes (origin, seq) WHERE refused IS NOT NULL;
                    DELETE FROM grdb_migrations WHERE identifier = 'v11-log-by-arrival';
                    """)
        }
        try legacy.close()

        let store = try Store.open(path: path, configuration: configuration)
        let reopened = try DatabaseQueue(path: path)
        let (layout, indexes, refused) = try await reopened.read { db in
            (
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'changes'") ?? "",
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name"),
                try String.fetchAll(db, sql: "SELECT refused_message FROM changes WHERE refused IS NOT NULL")
            )
        }
        #expect(layout.contains("arrival INTEGER PRIMARY KEY"))
        #expect(!layout.contains("WITHOUT ROWID"))
        #expect(indexes == ["changes_by_origin", "changes_by_record", "changes_refused"])
        #expect(refused == ["kept through the upgrade"])
        // The whole log (refused changes leave the unscoped feed), in the same order, at the same positions.
        let after: [(position: Int64, hash: [UInt8])] = try await store.changes(after: 0).changes.map { ($0.position, $0.change.hash) }
        #expect(after.map(\.position) == before.dropLast().map(\.position))
        #expect(after.map(\.hash) == before.dropLast().map(\.hash))
        #expect(try await store.digest(scope: "5001") == digest)
        // The chain and the arrivals go on from where they stood.
        let next = try await store.write(collection: "cases", record: "5001.c5", set: ["status": .string("received")])
        #expect(next.seq == 7)
        #expect(try await store.changes(after: 6).changes.map(\.position) == [7])
        try reopened.close()
    }
}
