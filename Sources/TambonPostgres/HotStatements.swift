import NIOCore
import PostgresNIO
import TambonCore

/// The statements the hub runs on (nearly) every request, as named prepared statements: parsed once per
/// connection, and planned once where the server finds its generic plan as cheap as one made for the values.
///
/// A statement sent with its values (`connection.query`) is parsed and planned on every execution.
/// `pg_stat_statements` over two minutes of the steady state (2,000 offices, 6.7 syncs a second) put more of the
/// server's time into planning than into executing. The peer lookup that authenticates every request was the most
/// of it: 442 ms of planning (its two correlated subqueries) for 109 ms of execution; prepared, 3 ms. The feed
/// page and the record states are still planned with their values on most executions (the server's choice under
/// `plan_cache_mode = auto`); forcing generic plans made the old form of ``Heads`` sort every change of the origins
/// named, 5.7 ms a call, and it made a listing whose filter is a catch-all (sent with its values, which the setting
/// covers too) scan the whole table, 183 ms a call; so the server keeps its choice. PostgresNIO prepares each statement on a connection the first time it runs there.
enum HotStatements {
    /// A node's peer row with its accepted seq and refused count (``PostgresPeers/selection``).
    struct PeerByNode: OneValueStatement {
        static let name = "tambon_peer_by_node"
        static let sql = PostgresPeers.selection + " WHERE p.node_id = $1"
        typealias Row = PostgresPeers.Row

        let node: ByteBuffer

        var bound: some PostgresEncodable { node }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// A node's peer row and its last nonce in one round trip: what authenticating a request reads
    /// (``PostgresPeers/requestState(of:)``), once or twice per request. As two statements, the nonce's was planned
    /// on every execution: 190 ms of the server's planning a minute in the steady state.
    struct PeerRequestState: OneValueStatement {
        static let name = "tambon_peer_request_state"
        static let sql = "SELECT " + PostgresPeers.columns + ", p.last_nonce FROM peers p WHERE p.node_id = $1"
        typealias Row = (PostgresPeers.Row, Int64)

        let node: ByteBuffer

        var bound: some PostgresEncodable { node }
        func decodeRow(_ row: PostgresRow) throws -> Row {
            // The peer's columns first (a prefix of the row), then the nonce, the last column.
            (try row.decode(PostgresPeers.Row.self), try row.makeRandomAccess()[row.count - 1].decode(Int64.self))
        }
    }

    /// A node's last nonce (``PostgresPeers/lastNonce(of:)``: a refused replay tells the node where to resume).
    struct LastNonce: OneValueStatement {
        static let name = "tambon_last_nonce"
        static let sql = "SELECT last_nonce FROM peers WHERE node_id = $1"
        typealias Row = Int64

        let node: ByteBuffer

        var bound: some PostgresEncodable { node }
    }

    /// The last position of an office's feed (0 if empty).
    struct FeedEnd: OneValueStatement {
        static let name = "tambon_feed_end"
        static let sql = "SELECT coalesce(max(position), 0)::bigint FROM feed WHERE office = $1"
        typealias Row = Int64

        let office: String

        var bound: some PostgresEncodable { office }
    }

    /// A page of an office's feed after a position, with the changes, leaving out one origin's.
    struct FeedPage: PostgresPreparedStatement {
        static let name = "tambon_feed_page"
        static let sql = """
            SELECT f.position, \(PostgresStore.joinedChangeColumns)
            FROM feed f JOIN changes c ON c.office = f.source_office AND c.arrival = f.arrival
            WHERE f.office = $1 AND f.position > $2 AND c.origin <> $3 ORDER BY f.position LIMIT $4
            """
        typealias Row = PostgresStore.PositionedChangeRow

        let office: String
        let after: Int64
        let excludedOrigin: ByteBuffer
        let limit: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(office)
            bindings.append(after)
            bindings.append(excludedOrigin)
            bindings.append(limit)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Each origin's highest held seq and its hash: one backward step of `changes_by_origin` per origin. (The
    /// `DISTINCT ON` form it replaces took 5.7 ms a call under a generic plan, which sorted every change of the
    /// origins named; this form has the same plan whatever the array holds.)
    struct Heads: OneValueStatement {
        static let name = "tambon_heads"
        static let sql = """
            SELECT o.origin, h.seq, h.hash FROM unnest($1::bytea[]) AS o(origin)
            CROSS JOIN LATERAL (SELECT seq, hash FROM changes WHERE origin = o.origin ORDER BY seq DESC LIMIT 1) AS h
            """
        typealias Row = (ByteBuffer, Int64, ByteBuffer)

        let origins: [ByteBuffer]

        var bound: some PostgresEncodable { origins }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The scope and version of each record named by the three arrays (its office, collection and id).
    struct RecordStates: PostgresPreparedStatement {
        static let name = "tambon_record_states"
        static let sql = """
            SELECT r.collection, r.record_id, r.scope, r.hlc, r.origin, r.seq FROM records r
              JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(office, collection, record_id)
              ON r.office = k.office AND r.collection = k.collection AND r.record_id = k.record_id
            """
        typealias Row = (String, String, String, Int64, ByteBuffer, Int64)

        let offices: [String]
        let collections: [String]
        let records: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(offices)
            bindings.append(collections)
            bindings.append(records)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// What a read-decide-write body was rehearsed to read (``PostgresReadSet/answers(_:logger:)``), in one round
    /// trip: the records' scopes (kind 0), registers (1) and set elements (2), as ``PostgresReadSet/snapshotQuery(_:)``
    /// reads them, then the ids whose `bill` (3) or `awaiting` (4) register names each lookup's reference, with the
    /// lookup's position from 1, as ``PostgresReadSet/linkQuery(_:_:)`` finds them (the registers' names written in,
    /// so the partial indexes apply).
    struct ReadSet: PostgresPreparedStatement {
        static let name = "tambon_read_set"
        static let billKind: Int32 = 3
        static let sql = """
            SELECT 0::int4, 0::int8, r.collection, r.record_id, r.scope, NULL::text, NULL::text FROM records r
              JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(office, collection, record_id)
              ON r.office = k.office AND r.collection = k.collection AND r.record_id = k.record_id
            UNION ALL
            SELECT 1, 0, f.collection, f.record_id, f.field, NULL, f.value FROM fields f
              JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(office, collection, record_id)
              ON f.office = k.office AND f.collection = k.collection AND f.record_id = k.record_id
            UNION ALL
            SELECT 2, 0, e.collection, e.record_id, e.field, e.element_id, e.value FROM set_elements e
              JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(office, collection, record_id)
              ON e.office = k.office AND e.collection = k.collection AND e.record_id = k.record_id
            UNION ALL
            SELECT 3, k.n, f.collection, f.record_id, '', NULL, NULL
              FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS k(office, collection, value, n)
              JOIN fields f ON f.office = k.office AND f.collection = k.collection AND f.value = k.value
            WHERE f.field = 'bill'
            UNION ALL
            SELECT 4, k.n, f.collection, f.record_id, '', NULL, NULL
              FROM unnest($7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS k(office, collection, value, n)
              JOIN fields f ON f.office = k.office AND f.collection = k.collection AND f.value = k.value
            WHERE f.field = 'awaiting'
            """
        typealias Row = (Int32, Int64, String, String, String, String?, String?)

        let records: [PostgresReadSet.RecordKey]
        let bills: [PostgresReadSet.LinkKey]
        let awaiting: [PostgresReadSet.LinkKey]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 9)
            bindings.append(records.map { PostgresStore.home(of: $0.id) })
            bindings.append(records.map(\.collection))
            bindings.append(records.map(\.id))
            for lookups in [bills, awaiting] {
                bindings.append(lookups.map(\.office))
                bindings.append(lookups.map(\.collection))
                bindings.append(lookups.map { JSONValue.string($0.reference).canonicalText })
            }
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    // MARK: What every write transaction runs around its changes (a push, a bank's confirmation, the roster)

    /// The arrival counter, locked for the transaction: the log's one lock (``PostgresLogWriter``).
    struct ArrivalForUpdate: UnboundStatement {
        static let name = "tambon_arrival_for_update"
        static let sql = "SELECT value FROM log_counters WHERE name = 'arrival' FOR UPDATE"
        typealias Row = Int64

    }

    /// The arrival counter moved on, before the commit.
    struct ArrivalSet: OneValueStatement {
        static let name = "tambon_arrival_set"
        static let sql = "UPDATE log_counters SET value = $1 WHERE name = 'arrival'"
        typealias Row = ()

        let value: Int64

        var bound: some PostgresEncodable { value }
    }

    /// A writer's enrolment, which the authority rules judge its changes by (``PostgresAuthority``).
    struct WriterByNode: OneValueStatement {
        static let name = "tambon_writer_by_node"
        static let sql = "SELECT office, role, revoked_after_seq, legacy_seq FROM writers WHERE node_id = $1"
        typealias Row = (String, String, Int64?, Int64)

        let node: ByteBuffer

        var bound: some PostgresEncodable { node }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The hub's own row, locked for the transaction or not (``HubNodeRow``).
    struct HubNode: UnboundStatement {
        static let name = "tambon_hub_node"
        static let sql = "SELECT \(HubNodeRow.columns) FROM hub_node WHERE id = 1"
        typealias Row = HubNodeRow.Columns

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    struct HubNodeForUpdate: UnboundStatement {
        static let name = "tambon_hub_node_for_update"
        static let sql = HubNode.sql + " FOR UPDATE"
        typealias Row = HubNodeRow.Columns

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The head of the hub's own chain and its clock, written back.
    struct HubNodeSaveHead: PostgresPreparedStatement {
        static let name = "tambon_hub_node_save_head"
        static let sql = "UPDATE hub_node SET clock = $1, last_seq = $2, last_hash = $3 WHERE id = 1"
        typealias Row = ()

        let clock: Int64
        let lastSeq: Int64
        let lastHash: ByteBuffer?

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(clock)
            bindings.append(lastSeq)
            bindings.append(lastHash)
            return bindings
        }

    }

    /// Everything a log writer has pending, in one round trip (``PostgresLogWriter/flush()``): its changes, their
    /// feed rows in order, the merged state (records, registers, set elements: each upsert keeps the winner it finds)
    /// and the arrival counter moved on. Data-modifying `WITH` parts all run, to completion, though nothing reads
    /// them; they touch different tables, so none needs to see another's rows. Empty arrays insert nothing.
    struct Flush: PostgresPreparedStatement {
        static let name = "tambon_flush"
        static let sql = """
            WITH new_changes AS (
              INSERT INTO changes (office, origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig, refused, refused_message)
              SELECT o, g, s, a, h, c, r, sc, op, NULLIF(p, ''::bytea), hs, sg, NULLIF(rf, ''), NULLIF(rm, '')
              FROM unnest($1::text[], $2::bytea[], $3::int8[], $4::int8[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[],
                          $10::bytea[], $11::bytea[], $12::bytea[], $13::text[], $14::text[])
                AS t(o, g, s, a, h, c, r, sc, op, p, hs, sg, rf, rm)
            ), new_feed AS (
              INSERT INTO feed (office, source_office, arrival)
              SELECT o, s, a FROM unnest($15::text[], $16::text[], $17::int8[]) WITH ORDINALITY AS t(o, s, a, n) ORDER BY n
            ), new_records AS (
              INSERT INTO records (office, collection, record_id, scope, hlc, origin, seq)
              SELECT * FROM unnest($18::text[], $19::text[], $20::text[], $21::text[], $22::int8[], $23::bytea[], $24::int8[])
              ON CONFLICT (office, collection, record_id) DO UPDATE
              SET scope = excluded.scope, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
              WHERE (excluded.hlc, excluded.origin, excluded.seq) > (records.hlc, records.origin, records.seq)
            ), new_fields AS (
              INSERT INTO fields (office, collection, record_id, field, value, hlc, origin, seq)
              SELECT * FROM unnest($25::text[], $26::text[], $27::text[], $28::text[], $29::text[], $30::int8[], $31::bytea[], $32::int8[])
              ON CONFLICT (office, collection, record_id, field) DO UPDATE
              SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
              WHERE (excluded.hlc, excluded.origin, excluded.seq) > (fields.hlc, fields.origin, fields.seq)
            ), new_elements AS (
              INSERT INTO set_elements (office, collection, record_id, field, element_id, value, hlc, origin, seq)
              SELECT * FROM unnest($33::text[], $34::text[], $35::text[], $36::text[], $37::text[], $38::text[], $39::int8[], $40::bytea[],
                                   $41::int8[])
              ON CONFLICT (office, collection, record_id, field, element_id) DO UPDATE
              SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
              WHERE (excluded.hlc, excluded.origin, excluded.seq) < (set_elements.hlc, set_elements.origin, set_elements.seq)
            )
            UPDATE log_counters SET value = $42 WHERE name = 'arrival' AND value <> $42
            """
        typealias Row = ()

        let changes: PostgresLogWriter.ChangeColumns
        let arrival: Int64
        private var feedColumns: ([String], [String], [Int64]) = ([], [], [])
        private var recordColumns: ([String], [String], [String], [String], [Int64], [ByteBuffer], [Int64]) = ([], [], [], [], [], [], [])
        private var fieldColumns: ([String], [String], [String], [String], [String], [Int64], [ByteBuffer], [Int64]) = (
            [], [], [], [], [], [], [], []
        )
        private var elementColumns: ([String], [String], [String], [String], [String], [String], [Int64], [ByteBuffer], [Int64]) =
            ([], [], [], [], [], [], [], [], [])

        init(changes: PostgresLogWriter.ChangeColumns, arrival: Int64) {
            self.changes = changes
            self.arrival = arrival
        }

        mutating func feed(_ rows: [(office: String, source: String, arrival: Int64)]) {
            feedColumns = (rows.map(\.office), rows.map(\.source), rows.map(\.arrival))
        }

        mutating func records(_ winners: [PostgresLogWriter.RecordKey: (scope: String, version: Version)]) {
            let rows = Array(winners)
            recordColumns = (
                rows.map(\.key.home), rows.map(\.key.collection), rows.map(\.key.record), rows.map(\.value.scope),
                rows.map { PostgresLogWriter.hlc($0.value.version) }, rows.map { PostgresLogWriter.bytes($0.value.version.origin) },
                rows.map(\.value.version.seq)
            )
        }

        mutating func fields(_ winners: [PostgresLogWriter.FieldKey: (value: String, version: Version)]) {
            let rows = Array(winners)
            fieldColumns = (
                rows.map(\.key.record.home), rows.map(\.key.record.collection), rows.map(\.key.record.record), rows.map(\.key.field),
                rows.map(\.value.value), rows.map { PostgresLogWriter.hlc($0.value.version) },
                rows.map { PostgresLogWriter.bytes($0.value.version.origin) }, rows.map(\.value.version.seq)
            )
        }

        mutating func elements(_ winners: [PostgresLogWriter.ElementKey: (value: String, version: Version)]) {
            let rows = Array(winners)
            elementColumns = (
                rows.map(\.key.record.home), rows.map(\.key.record.collection), rows.map(\.key.record.record), rows.map(\.key.field),
                rows.map(\.key.element), rows.map(\.value.value), rows.map { PostgresLogWriter.hlc($0.value.version) },
                rows.map { PostgresLogWriter.bytes($0.value.version.origin) }, rows.map(\.value.version.seq)
            )
        }

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 42)
            let c = changes
            bindings.append(c.office)
            bindings.append(c.origin)
            bindings.append(c.seq)
            bindings.append(c.arrival)
            bindings.append(c.hlc)
            bindings.append(c.collection)
            bindings.append(c.record)
            bindings.append(c.scope)
            bindings.append(c.operations)
            bindings.append(c.previous)
            bindings.append(c.hash)
            bindings.append(c.signature)
            bindings.append(c.refused)
            bindings.append(c.refusedMessage)
            bindings.append(feedColumns.0)
            bindings.append(feedColumns.1)
            bindings.append(feedColumns.2)
            bindings.append(recordColumns.0)
            bindings.append(recordColumns.1)
            bindings.append(recordColumns.2)
            bindings.append(recordColumns.3)
            bindings.append(recordColumns.4)
            bindings.append(recordColumns.5)
            bindings.append(recordColumns.6)
            bindings.append(fieldColumns.0)
            bindings.append(fieldColumns.1)
            bindings.append(fieldColumns.2)
            bindings.append(fieldColumns.3)
            bindings.append(fieldColumns.4)
            bindings.append(fieldColumns.5)
            bindings.append(fieldColumns.6)
            bindings.append(fieldColumns.7)
            bindings.append(elementColumns.0)
            bindings.append(elementColumns.1)
            bindings.append(elementColumns.2)
            bindings.append(elementColumns.3)
            bindings.append(elementColumns.4)
            bindings.append(elementColumns.5)
            bindings.append(elementColumns.6)
            bindings.append(elementColumns.7)
            bindings.append(elementColumns.8)
            bindings.append(arrival)
            return bindings
        }
    }

    static func bindings(_ value: some PostgresEncodable) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        try bindings.append(value)
        return bindings
    }
}

/// A prepared statement bound to one value (``bound``).
protocol OneValueStatement: PostgresPreparedStatement {
    associatedtype Bound: PostgresEncodable
    var bound: Bound { get }
}

extension OneValueStatement {
    func makeBindings() throws -> PostgresBindings { try HotStatements.bindings(bound) }
}

/// A prepared statement with no parameters.
protocol UnboundStatement: PostgresPreparedStatement {}

extension UnboundStatement {
    func makeBindings() throws -> PostgresBindings { PostgresBindings() }
}

extension PostgresPreparedStatement where Row == Int64 {
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

extension PostgresPreparedStatement where Row == () {
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}
