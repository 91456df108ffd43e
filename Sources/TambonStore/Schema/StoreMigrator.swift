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
                    CREATE INDEX changes_by_record ON changes (collection, record_id, arrival);
                    -- The routing feed: which office receives which change, in the order it became due. A change
                    -- goes to every office in its scope and in its record's scope before and after it; an office
                    -- that joins a record's scope also gets the record's earlier changes (new positions), so a
                    -- scope-filtered replica always holds everything that decides the records in its scope.
                    CREATE TABLE feed (
                        position INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        arrival INTEGER NOT NULL
                    );
                    CREATE INDEX feed_by_office ON feed (office, position);
                    -- Materialised state: each record's scope (a register itself), its fields, its set elements,
                    -- each with the version (hlc, origin, seq) of the write that holds it.
                    CREATE TABLE records (
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        origin BLOB NOT NULL,
                        seq INTEGER NOT NULL,
                        PRIMARY KEY (collection, record_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE fields (
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT NOT NULL,
                        hlc INTEGER NOT NULL,
                        origin BLOB NOT NULL,
                        seq INTEGER NOT NULL,
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
                        seq INTEGER NOT NULL,
                        PRIMARY KEY (collection, record_id, field, element_id)
                    ) WITHOUT ROWID;
                    -- Sync positions (pull cursor at the hub, push acknowledgement, …), by name.
                    CREATE TABLE cursors (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-sync") { db in
            try db.execute(
                sql: """
                    -- Node side: the hub this node is enrolled with. Counters (pull cursor, acknowledged seq,
                    -- request nonce) live in `cursors`.
                    CREATE TABLE hub_link (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        url TEXT NOT NULL,
                        ca_pem TEXT NOT NULL,
                        hub_id BLOB NOT NULL,
                        role TEXT NOT NULL,
                        joined_ms INTEGER NOT NULL,
                        last_success_ms INTEGER,
                        last_error TEXT,
                        last_error_ms INTEGER,
                        skew_ms INTEGER
                    );
                    -- Hub side: one-time enrolment tokens (only their SHA-256 is kept) and enrolled nodes.
                    CREATE TABLE enrolment_tokens (
                        token_hash BLOB PRIMARY KEY,
                        office TEXT NOT NULL,
                        role TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        expires_ms INTEGER NOT NULL,
                        used_by BLOB,
                        used_ms INTEGER
                    ) WITHOUT ROWID;
                    CREATE TABLE peers (
                        node_id BLOB PRIMARY KEY,
                        office TEXT NOT NULL,
                        role TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL,
                        enrolled_ms INTEGER NOT NULL,
                        revoked_ms INTEGER,
                        last_seen_ms INTEGER,
                        last_nonce INTEGER NOT NULL DEFAULT 0,
                        skew_ms INTEGER
                    ) WITHOUT ROWID;
                    -- An office has one active office-role node: the one that issues official numbers.
                    CREATE UNIQUE INDEX peers_one_office_node ON peers (office) WHERE role = 'office' AND status = 'active';
                    """)
        }
        migrator.registerMigration("v3-attachments") { db in
            try db.execute(
                sql: """
                    -- Node side: attachments the hub has confirmed it holds whole, so a sync round asks only about new ones.
                    CREATE TABLE attachments_at_hub (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4-report-index-moved-out") { db in
            try db.execute(
                sql: """
                    -- A hub's report index used to keep its tables here (its own migration, "reports-v1"); it now has a
                    -- database of its own (reports.sqlite) and rebuilds there from the log. Drop the old copy.
                    DROP TABLE IF EXISTS report_facts;
                    DROP TABLE IF EXISTS report_groups;
                    DROP TABLE IF EXISTS report_cursor;
                    DELETE FROM grdb_migrations WHERE identifier = 'reports-v1';
                    """)
        }
        migrator.registerMigration("v5-authority") { db in
            try db.execute(
                sql: """
                    -- A change the authority rules refuse is still held, in its origin's chain, but inert: it is not
                    -- merged into the state and no office's feed carries it. `refused` is the reason code (NULL: applied);
                    -- `unknown_writer` waits for the roster entry of its origin and is judged again when it arrives.
                    ALTER TABLE changes ADD COLUMN refused TEXT;
                    ALTER TABLE changes ADD COLUMN refused_message TEXT;
                    CREATE INDEX changes_refused ON changes (origin, seq) WHERE refused IS NOT NULL;
                    -- Every node the roster (collection `nodes`, written by the hub) names, derived from its records:
                    -- what the authority rules know of a change's writer.
                    CREATE TABLE writers (
                        node_id BLOB PRIMARY KEY,
                        office TEXT NOT NULL,
                        role TEXT NOT NULL,
                        revoked_after_seq INTEGER,
                        legacy_seq INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    -- Hub side: the changes a node pushed before the upgrade were accepted under protocol 1's rule;
                    -- they stay, judged by that rule only, up to this seq (published in the node's roster entry).
                    ALTER TABLE peers ADD COLUMN legacy_seq INTEGER NOT NULL DEFAULT 0;
                    UPDATE peers SET legacy_seq = (SELECT IFNULL(MAX(seq), 0) FROM changes WHERE origin = peers.node_id);
                    -- A revoked node's changes after this seq (the last the hub held at revocation) are refused.
                    ALTER TABLE peers ADD COLUMN revoked_after_seq INTEGER;
                    UPDATE peers SET revoked_after_seq = legacy_seq WHERE status = 'revoked';
                    """)
        }
        migrator.registerMigration("v6-clock") { db in
            try db.execute(
                sql: """
                    -- When the last skew against the hub was measured, on this machine's wall clock and on its boot
                    -- clock (SPEC §4.1): with them a node knows whether its clock was set right since, or still runs ahead.
                    ALTER TABLE hub_link ADD COLUMN skew_wall_ms INTEGER;
                    ALTER TABLE hub_link ADD COLUMN skew_boot TEXT;
                    ALTER TABLE hub_link ADD COLUMN skew_uptime_ms INTEGER;
                    """)
        }
        migrator.registerMigration("v7-blob-owners") { db in
            try db.execute(
                sql: """
                    -- Hub side: which offices proved they hold each attachment by uploading all of its bytes (SPEC §14).
                    -- A file is served only through a record owned by one of them, and counts against their quotas.
                    CREATE TABLE blob_owners (
                        sha256 TEXT NOT NULL,
                        office TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        PRIMARY KEY (sha256, office)
                    ) WITHOUT ROWID;
                    CREATE INDEX blob_owners_by_office ON blob_owners (office);
                    """)
            // Files uploaded before: their owners are taken to be the offices owning the records that refer to them
            // (a record's owner is its id up to the first dot, SPEC §15).
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO blob_owners (sha256, office, size)
                    SELECT json_extract(value, '$.sha256'),
                           CASE WHEN instr(record_id, '.') > 0 THEN substr(record_id, 1, instr(record_id, '.') - 1) ELSE record_id END,
                           CAST(json_extract(value, '$.size') AS INTEGER)
                    FROM set_elements
                    WHERE field = 'attachments' AND json_valid(value) AND json_type(value, '$.sha256') = 'text'
                      AND json_type(value, '$.size') IN ('integer', 'real');
                    """)
        }
        migrator.registerMigration("v8-bill-lookup") { db in
            // Which receipts and payments name a bill (register `bill`), and which payments wait for one (`awaiting`):
            // the hub matches a bank's confirmation against the bill's ledger in one transaction, and a waiting one
            // when its bill arrives. Partial, so no other field's write pays for it.
            // One index per field: SQLite uses a partial index only when the query's terms imply its WHERE exactly.
            try db.execute(
                sql: """
                    CREATE INDEX fields_by_bill ON fields (collection, value) WHERE field = 'bill';
                    CREATE INDEX fields_by_awaited_bill ON fields (collection, value) WHERE field = 'awaiting';
                    """)
        }
        migrator.registerMigration("v9-directory-cache") { db in
            // Node side: what the hub publishes for every node outside the change log (the agency directory), kept
            // here so it is at hand offline. Not replicated, never signed: the hub's copy is the truth, fetched again
            // when its version changes.
            try db.execute(
                sql: """
                    CREATE TABLE directory_cache (
                        name TEXT PRIMARY KEY,
                        version TEXT NOT NULL,
                        body TEXT NOT NULL,
                        fetched_ms INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v10-phone-officer") { db in
            // Hub side: a survey phone is bound to one officer's account at its office (its token says whose), and
            // pulls only that officer's assigned work (SPEC §11a).
            try db.execute(
                sql: """
                    ALTER TABLE enrolment_tokens ADD COLUMN officer TEXT;
                    ALTER TABLE peers ADD COLUMN officer TEXT;
                    """)
        }
        migrator.registerMigration("v11-log-by-arrival") { db in
            // The log keyed by its arrival, as a rowid table, rather than by (origin, seq) WITHOUT ROWID. A change row
            // (its operations, hash, signature and previous hash) runs to hundreds of bytes: in a WITHOUT ROWID table
            // every row is an index key, copied into interior pages too, so few fit a page. Keyed by arrival, a new
            // change is an append at the table's end, interior pages hold integers only, and the arrival index goes:
            // arrival is the rowid. (origin, seq) stays unique, by an index of its own. Copies the log once.
            try db.execute(
                sql: """
                    CREATE TABLE changes_by_arrival_new (
                        origin BLOB NOT NULL,
                        seq INTEGER NOT NULL,
                        arrival INTEGER PRIMARY KEY,
                        hlc INTEGER NOT NULL,
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        ops TEXT NOT NULL,
                        prev BLOB,
                        hash BLOB NOT NULL,
                        sig BLOB NOT NULL,
                        refused TEXT,
                        refused_message TEXT
                    );
                    INSERT INTO changes_by_arrival_new
                    SELECT origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig, refused, refused_message
                    FROM changes ORDER BY arrival;
                    DROP TABLE changes;
                    ALTER TABLE changes_by_arrival_new RENAME TO changes;
                    CREATE UNIQUE INDEX changes_by_origin ON changes (origin, seq);
                    -- Entries of a rowid table's index end with the rowid: this is ordered by arrival within a record.
                    CREATE INDEX changes_by_record ON changes (collection, record_id);
                    CREATE INDEX changes_refused ON changes (origin, seq) WHERE refused IS NOT NULL;
                    """)
        }
        return migrator
    }
}
