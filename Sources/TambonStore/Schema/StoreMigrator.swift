import GRDB

/// The store's schema. Migrations are named, never edited once shipped, and written in SQL rather than in terms
/// of app types, so an old database always upgrades the same way.
enum StoreMigrator {
    static func make() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replicated-store") { db in
            // The node itself: identity (Ed25519 seed), office, the HLC high-water mark and its own log's head.
            try db.execute(
                sql: """
                    CREATE TABLE node (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        node_id BLOB NOT NULL,
                        private_key BLOB NOT NULL,
                        office TEXT NOT NULL,
                        name TEXT NOT NULL,
                        host TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        clock INTEGER NOT NULL DEFAULT 0,
                        last_seq INTEGER NOT NULL DEFAULT 0,
                        last_hash BLOB
                    );
                    -- The change log: every change held, from every origin, as signed.
                    CREATE TABLE changes (
                        origin BLOB NOT NULL,
                        seq INTEGER NOT NULL,
                        arrival INTEGER NOT NULL,
                        hlc INTEGER NOT NULL,
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        ops TEXT NOT NULL,
                        prev BLOB,
                        hash BLOB NOT NULL,
                        sig BLOB NOT NULL,
                        PRIMARY KEY (origin, seq)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX changes_by_arrival ON changes (arrival);
                    -- Which offices each change is routed to, by arrival: the scope-filtered feed pages through it.
                    CREATE TABLE change_scopes (
                        office TEXT NOT NULL,
                        arrival INTEGER NOT NULL,
                        PRIMARY KEY (office, arrival)
                    ) WITHOUT ROWID;
                    -- Materialised state: each record's scope (a register itself), its fields, its set elements.
                    CREATE TABLE records (
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        origin BLOB NOT NULL,
                        PRIMARY KEY (collection, record_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE fields (
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        origin BLOB NOT NULL,
                        PRIMARY KEY (collection, record_id, field)
                    ) WITHOUT ROWID;
                    CREATE TABLE set_elements (
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        element_id TEXT NOT NULL,
                        value TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        origin BLOB NOT NULL,
                        PRIMARY KEY (collection, record_id, field, element_id)
                    ) WITHOUT ROWID;
                    -- Sync positions (pull cursor at the hub, push acknowledgement, …), by name.
                    CREATE TABLE cursors (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
