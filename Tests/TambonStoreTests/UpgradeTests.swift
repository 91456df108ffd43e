import Foundation
import GRDB
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
