import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

extension PostgresStore {
    /// The columns of a stored change, in ``PositionedChangeRow``'s order after its leading position.
    static let changeColumns = "origin, seq, hlc, collection, record_id, scope, ops, prev, hash, sig"
    /// ``changeColumns`` of `changes c` in a join.
    static let joinedChangeColumns = "c.origin, c.seq, c.hlc, c.collection, c.record_id, c.scope, c.ops, c.prev, c.hash, c.sig"
    typealias PositionedChangeRow = (Int64, ByteBuffer, Int64, Int64, String, String, String, String, ByteBuffer?, ByteBuffer, ByteBuffer)

    static func storedChange(_ row: PositionedChangeRow) throws -> StoredChange {
        StoredChange(
            origin: try PostgresLogWriter.node(row.1), seq: row.2, hlc: HLC(rawValue: UInt64(bitPattern: row.3)), collection: row.4, record: row.5,
            canonicalScope: Array(row.6.utf8), canonicalOperations: Array(row.7.utf8), previous: row.8.map { Array(buffer: $0) },
            hash: Array(buffer: row.9), signature: Array(buffer: row.10))
    }

    static func decode(_ stored: StoredChange) throws -> Change {
        do {
            return try stored.decoded()
        } catch {
            throw StoreError(.corrupt, "a stored change in the hub's database is malformed: \(error)")
        }
    }

    static func decodeValue(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: Array(text.utf8))
        } catch {
            throw StoreError(.corrupt, "a stored value in the hub's database is not valid JSON")
        }
    }

    /// One page of `office`'s feed after `cursor` (SPEC §6.1), none written by `excludedOrigin`; without an office,
    /// the whole log in arrival order. The same pages as the SQLite store's.
    public func storedChanges(
        after cursor: Int64, scope office: String? = nil, excluding excludedOrigin: NodeID? = nil, limit: Int = 1000
    ) async throws -> FeedPage<StoredChange> {
        guard limit >= 1, cursor >= 0 else { throw StoreError(.invalidArgument, "a feed page needs a cursor ≥ 0 and a limit ≥ 1") }
        let excluded = ByteBuffer(bytes: excludedOrigin?.bytes ?? [])
        return try await database { connection in
            var end: Int64 = 0
            var changes: [(position: Int64, change: StoredChange)] = []
            if let office {
                for try await value in try await connection.execute(HotStatements.FeedEnd(office: office), logger: logger) {
                    end = value
                }
                let page = HotStatements.FeedPage(office: office, after: cursor, excludedOrigin: excluded, limit: Int64(limit))
                for try await row in try await connection.execute(page, logger: logger) {
                    changes.append((row.0, try Self.storedChange(row)))
                }
            } else {
                for try await value in try await connection.query("SELECT value FROM log_counters WHERE name = 'arrival'", logger: logger).decode(
                    Int64.self)
                {
                    end = value
                }
                for try await row in try await connection.query(
                    """
                    SELECT arrival, \(unescaped: Self.changeColumns) FROM changes
                    WHERE arrival > \(cursor) AND origin <> \(excluded) AND refused IS NULL ORDER BY arrival LIMIT \(limit)
                    """, logger: logger
                ).decode(PositionedChangeRow.self) {
                    changes.append((row.0, try Self.storedChange(row)))
                }
            }
            let next = changes.count < limit ? max(cursor, end) : changes[changes.count - 1].position
            return FeedPage(changes: changes, cursor: next, more: changes.count == limit && next < end)
        }
    }

    /// ``storedChanges(after:scope:excluding:limit:)`` decoded.
    public func changes(
        after cursor: Int64, scope office: String? = nil, excluding excludedOrigin: NodeID? = nil, limit: Int = 1000
    ) async throws -> ChangeFeedPage {
        let page = try await storedChanges(after: cursor, scope: office, excluding: excludedOrigin, limit: limit)
        return FeedPage(changes: try page.changes.map { ($0.position, try Self.decode($0.change)) }, cursor: page.cursor, more: page.more)
    }

    /// Every merged change of one record in arrival order (at most `limit`; nil for more).
    public func storedChanges(collection: String, record: String, limit: Int) async throws -> [StoredChange]? {
        try await database { connection in
            var changes: [StoredChange] = []
            for try await row in try await connection.query(
                """
                SELECT arrival, \(unescaped: Self.changeColumns) FROM changes
                WHERE office = \(Self.home(of: record)) AND collection = \(collection) AND record_id = \(record) AND refused IS NULL
                ORDER BY arrival LIMIT \(limit + 1)
                """, logger: logger
            ).decode(PositionedChangeRow.self) {
                changes.append(try Self.storedChange(row))
            }
            return changes.count > limit ? nil : changes
        }
    }

    /// A record's merged state, or nil if no change to it is held.
    public func record(collection: String, id: String) async throws -> RecordSnapshot? {
        try await database { connection in try await Self.records(connection, logger: logger, collection: collection, ids: [id]).first }
    }

    /// Every record of `collection` (those in `office`'s scope if given), by id.
    public func records(collection: String, office: String? = nil) async throws -> [RecordSnapshot] {
        try await database { connection in
            var ids: [String] = []
            let needle = office.map { "\"" + $0 + "\"" } ?? ""
            for try await id in try await connection.query(
                """
                SELECT record_id FROM records WHERE collection = \(collection) AND (\(needle) = '' OR strpos(scope, \(needle)) > 0)
                ORDER BY record_id
                """, logger: logger
            ).decode(String.self) {
                ids.append(id)
            }
            return try await Self.records(connection, logger: logger, collection: collection, ids: ids)
        }
    }

    /// The ids of `office`'s records in `collection` whose register `link` holds `reference`. The field is written into
    /// the statement (from the enum, never input) so the planner can use its partial index.
    public func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) async throws -> [String] {
        try await database { connection in
            var ids: [String] = []
            for try await id in try await connection.query(
                """
                SELECT record_id FROM fields WHERE office = \(office) AND collection = \(collection) AND field = '\(unescaped: link.rawValue)'
                  AND value = \(JSONValue.string(reference).canonicalText)
                """, logger: logger
            ).decode(String.self) where Authority.isOwned(record: id, by: office) {
                ids.append(id)
            }
            return ids
        }
    }

    /// The records `ids` of `collection` as they stand, in the order given (missing ones left out).
    static func records(_ connection: PostgresConnection, logger: Logger, collection: String, ids: [String]) async throws -> [RecordSnapshot] {
        guard !ids.isEmpty else { return [] }
        let homes = ids.map(home(of:))
        var scopes: [String: [String]] = [:]
        for try await (id, scope) in try await connection.query(
            """
            SELECT r.record_id, r.scope FROM records r JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON r.office = k.office AND r.record_id = k.record_id WHERE r.collection = \(collection)
            """, logger: logger
        ).decode((String, String).self) {
            scopes[id] = try PostgresLogWriter.decodeScope(scope)
        }
        var fields: [String: [String: JSONValue]] = [:]
        for try await (id, field, value) in try await connection.query(
            """
            SELECT f.record_id, f.field, f.value FROM fields f JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON f.office = k.office AND f.record_id = k.record_id WHERE f.collection = \(collection)
            """, logger: logger
        ).decode((String, String, String).self) {
            fields[id, default: [:]][field] = try decodeValue(value)
        }
        var sets: [String: [String: [String: JSONValue]]] = [:]
        for try await (id, field, element, value) in try await connection.query(
            """
            SELECT e.record_id, e.field, e.element_id, e.value FROM set_elements e JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON e.office = k.office AND e.record_id = k.record_id WHERE e.collection = \(collection)
            """, logger: logger
        ).decode((String, String, String, String).self) {
            sets[id, default: [:]][field, default: [:]][element] = try decodeValue(value)
        }
        return ids.compactMap { id in
            scopes[id].map { RecordSnapshot(collection: collection, id: id, scope: $0, fields: fields[id] ?? [:], sets: sets[id] ?? [:]) }
        }
    }

    /// The digest of `office`'s replicated state (SPEC §7): the same bytes as the SQLite store's for the same changes.
    public func digest(scope office: String) async throws -> String {
        let needle = "\"" + office + "\""
        return try await database { connection in
            var digest = StateDigest()
            for try await (collection, record, kind, field, element, value) in try await connection.query(
                """
                SELECT * FROM (
                  SELECT collection, record_id, 0 AS kind, NULL::text AS field, NULL::text AS element_id, scope AS value FROM records
                    WHERE strpos(scope, \(needle)) > 0
                  UNION ALL
                  SELECT f.collection, f.record_id, 1, f.field, NULL, f.value FROM fields f
                    JOIN records r ON r.office = f.office AND r.collection = f.collection AND r.record_id = f.record_id WHERE strpos(r.scope, \(needle)) > 0
                  UNION ALL
                  SELECT e.collection, e.record_id, 2, e.field, e.element_id, e.value FROM set_elements e
                    JOIN records r ON r.office = e.office AND r.collection = e.collection AND r.record_id = e.record_id WHERE strpos(r.scope, \(needle)) > 0
                ) AS state
                ORDER BY collection COLLATE "C", record_id COLLATE "C", kind, field COLLATE "C", element_id COLLATE "C"
                """, logger: logger
            ).decode((String, String, Int32, String?, String?, String).self) {
                switch kind {
                case 0: digest.record(collection: collection, id: record, scope: try PostgresLogWriter.decodeScope(value))
                case 1: digest.field(field ?? "", canonicalValue: value.utf8)
                default: digest.element(field: field ?? "", id: element ?? "", canonicalValue: value.utf8)
                }
            }
            return digest.finalize()
        }
    }

    /// The routing feed's last position.
    public func feedPosition() async throws -> Int64 {
        try await database { connection in
            for try await position in try await connection.query("SELECT coalesce(max(position), 0)::bigint FROM feed", logger: logger).decode(
                Int64.self)
            {
                return position
            }
            return 0
        }
    }

    /// Counts for `statistics`: records, changes, origins, the last arrival, feed rows.
    public func statistics() async throws -> StoreStatistics {
        try await database { connection in
            var values: [Int64] = []
            for try await (records, changes, origins, arrival, feed) in try await connection.query(
                """
                SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM changes), (SELECT count(DISTINCT origin) FROM changes),
                       (SELECT value FROM log_counters WHERE name = 'arrival'), (SELECT count(*) FROM feed)
                """, logger: logger
            ).decode((Int64, Int64, Int64, Int64, Int64).self) {
                values = [records, changes, origins, arrival, feed]
            }
            guard values.count == 5 else { throw StoreError(.corrupt, "the hub's database gave no statistics") }
            return StoreStatistics(
                records: Int(values[0]), changes: Int(values[1]), origins: Int(values[2]), lastArrival: values[3], feedRows: Int(values[4]))
        }
    }
}
