import NIOCore
import PostgresNIO

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
