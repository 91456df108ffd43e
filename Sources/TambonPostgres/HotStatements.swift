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
/// named, 5.7 ms a call, so the server keeps its choice. PostgresNIO prepares each statement on a connection the
/// first time it runs there.
enum HotStatements {
    /// A node's peer row with its accepted seq and refused count (``PostgresPeers/selection``).
    struct PeerByNode: PostgresPreparedStatement {
        static let name = "tambon_peer_by_node"
        static let sql = PostgresPeers.selection + " WHERE p.node_id = $1"
        typealias Row = PostgresPeers.Row

        let node: ByteBuffer

        func makeBindings() throws -> PostgresBindings { try HotStatements.bindings(node) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The last position of an office's feed (0 if empty).
    struct FeedEnd: PostgresPreparedStatement {
        static let name = "tambon_feed_end"
        static let sql = "SELECT coalesce(max(position), 0)::bigint FROM feed WHERE office = $1"
        typealias Row = Int64

        let office: String

        func makeBindings() throws -> PostgresBindings { try HotStatements.bindings(office) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
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
    struct Heads: PostgresPreparedStatement {
        static let name = "tambon_heads"
        static let sql = """
            SELECT o.origin, h.seq, h.hash FROM unnest($1::bytea[]) AS o(origin)
            CROSS JOIN LATERAL (SELECT seq, hash FROM changes WHERE origin = o.origin ORDER BY seq DESC LIMIT 1) AS h
            """
        typealias Row = (ByteBuffer, Int64, ByteBuffer)

        let origins: [ByteBuffer]

        func makeBindings() throws -> PostgresBindings { try HotStatements.bindings(origins) }
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

    static func bindings(_ value: some PostgresEncodable) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        try bindings.append(value)
        return bindings
    }
}
