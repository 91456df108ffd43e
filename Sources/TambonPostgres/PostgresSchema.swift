/// The hub's tables on PostgreSQL, as versioned migrations (``PostgresMigrator`` runs them at start, in order).
///
/// Ready for Citus (ARCHITECTURE.md, "The hub on PostgreSQL"): every table that grows with offices carries an
/// `office` column first in its primary key and can be distributed by it —
/// - `changes`, `records`, `fields`, `set_elements`: by the record's home office (its id up to the first `.`, the
///   office that owns it under the authority rules), so a record and its history live on one shard;
/// - `feed`: by the receiving office, with the change's home office beside each row for the join;
/// - `blob_owners`: by the uploading office.
/// The rest are small and read by every shard's work, so they are reference tables: `hub_node`, `writers`,
/// `log_counters`, `peers`, `enrolment_tokens`, `schema_migrations`.
///
/// Text that is compared or ordered is `COLLATE "C"` (byte order), as SQLite compares it, so both backends order
/// records, fields and scopes the same way (the state digest depends on it).
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "hub-log",
            sql: """
                -- The hub's own identity (one row) and the head of its own chain.
                CREATE TABLE hub_node (
                    id smallint PRIMARY KEY CHECK (id = 1),
                    node_id bytea NOT NULL,
                    private_key bytea NOT NULL,
                    office text NOT NULL,
                    name text NOT NULL,
                    host text NOT NULL,
                    created_ms bigint NOT NULL,
                    clock bigint NOT NULL DEFAULT 0,
                    last_seq bigint NOT NULL DEFAULT 0,
                    last_hash bytea
                );
                -- Counters only log writers move, under the row's lock: `arrival` numbers the log.
                CREATE TABLE log_counters (
                    name text PRIMARY KEY,
                    value bigint NOT NULL
                );
                INSERT INTO log_counters (name, value) VALUES ('arrival', 0);
                -- Every change held, as signed (SPEC §5); `office` is the record's home office.
                CREATE TABLE changes (
                    office text COLLATE "C" NOT NULL,
                    origin bytea NOT NULL,
                    seq bigint NOT NULL,
                    arrival bigint NOT NULL,
                    hlc bigint NOT NULL,
                    collection text COLLATE "C" NOT NULL,
                    record_id text COLLATE "C" NOT NULL,
                    scope text NOT NULL,
                    ops text NOT NULL,
                    prev bytea,
                    hash bytea NOT NULL,
                    sig bytea NOT NULL,
                    refused text,
                    refused_message text,
                    PRIMARY KEY (office, origin, seq)
                );
                CREATE INDEX changes_by_origin ON changes (origin, seq);
                CREATE UNIQUE INDEX changes_by_arrival ON changes (office, arrival);
                -- The whole log in arrival order: projections (the report index) read it from a point on.
                CREATE INDEX changes_in_arrival_order ON changes (arrival);
                CREATE INDEX changes_by_record ON changes (office, collection, record_id, arrival);
                CREATE INDEX changes_refused ON changes (origin, seq) WHERE refused IS NOT NULL;
                -- The routing feed (SPEC §6.1), by receiving office; positions only grow, in commit order.
                CREATE TABLE feed (
                    office text COLLATE "C" NOT NULL,
                    position bigint GENERATED ALWAYS AS IDENTITY,
                    source_office text COLLATE "C" NOT NULL,
                    arrival bigint NOT NULL,
                    PRIMARY KEY (office, position)
                );
                -- The merged state (SPEC §8), each value with the version (hlc, origin, seq) that holds it.
                CREATE TABLE records (
                    office text COLLATE "C" NOT NULL,
                    collection text COLLATE "C" NOT NULL,
                    record_id text COLLATE "C" NOT NULL,
                    scope text NOT NULL,
                    hlc bigint NOT NULL,
                    origin bytea NOT NULL,
                    seq bigint NOT NULL,
                    PRIMARY KEY (office, collection, record_id)
                );
                CREATE INDEX records_by_collection ON records (collection, office, record_id);
                CREATE TABLE fields (
                    office text COLLATE "C" NOT NULL,
                    collection text COLLATE "C" NOT NULL,
                    record_id text COLLATE "C" NOT NULL,
                    field text COLLATE "C" NOT NULL,
                    value text NOT NULL,
                    hlc bigint NOT NULL,
                    origin bytea NOT NULL,
                    seq bigint NOT NULL,
                    PRIMARY KEY (office, collection, record_id, field)
                );
                -- Payments and receipts by the bill they name (the payment desk's lookups).
                CREATE INDEX fields_by_bill ON fields (office, collection, value) WHERE field = 'bill';
                CREATE INDEX fields_by_awaited_bill ON fields (office, collection, value) WHERE field = 'awaiting';
                CREATE TABLE set_elements (
                    office text COLLATE "C" NOT NULL,
                    collection text COLLATE "C" NOT NULL,
                    record_id text COLLATE "C" NOT NULL,
                    field text COLLATE "C" NOT NULL,
                    element_id text COLLATE "C" NOT NULL,
                    value text NOT NULL,
                    hlc bigint NOT NULL,
                    origin bytea NOT NULL,
                    seq bigint NOT NULL,
                    PRIMARY KEY (office, collection, record_id, field, element_id)
                );
                -- What the authority rules know of each writer, derived from the roster records (SPEC §15).
                CREATE TABLE writers (
                    node_id bytea PRIMARY KEY,
                    office text NOT NULL,
                    role text NOT NULL,
                    revoked_after_seq bigint,
                    legacy_seq bigint NOT NULL DEFAULT 0
                );
                -- One-time enrolment tokens (their SHA-256 only) and enrolled nodes.
                CREATE TABLE enrolment_tokens (
                    token_hash bytea PRIMARY KEY,
                    office text NOT NULL,
                    role text NOT NULL,
                    officer text,
                    created_ms bigint NOT NULL,
                    expires_ms bigint NOT NULL,
                    used_by bytea,
                    used_ms bigint
                );
                CREATE TABLE peers (
                    node_id bytea PRIMARY KEY,
                    office text COLLATE "C" NOT NULL,
                    role text NOT NULL,
                    name text NOT NULL,
                    officer text,
                    status text NOT NULL,
                    enrolled_ms bigint NOT NULL,
                    revoked_ms bigint,
                    last_seen_ms bigint,
                    last_nonce bigint NOT NULL DEFAULT 0,
                    skew_ms bigint,
                    legacy_seq bigint NOT NULL DEFAULT 0,
                    revoked_after_seq bigint
                );
                CREATE UNIQUE INDEX peers_one_office_node ON peers (office) WHERE role = 'office' AND status = 'active';
                -- Which offices uploaded each attachment whole (SPEC §14).
                CREATE TABLE blob_owners (
                    office text COLLATE "C" NOT NULL,
                    sha256 text NOT NULL,
                    size bigint NOT NULL,
                    PRIMARY KEY (office, sha256)
                );
                CREATE INDEX blob_owners_by_hash ON blob_owners (sha256);
                """)
    ]
}
