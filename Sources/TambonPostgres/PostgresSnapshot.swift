import Dispatch
import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// One consistent read of the hub's log on PostgreSQL (``TambonStore/LogSnapshot``): the reads of a
/// `REPEATABLE READ READ ONLY` transaction, synchronous as a projection's step is, on a thread of their own.
struct PostgresSnapshot: LogSnapshot {
    let connection: PostgresConnection
    let logger: Logger

    func changedRecords(collections: Set<String>, after: Int64, limit: Int) throws -> (ids: [String: [String]], through: Int64) {
        var ids: [String: [String]] = [:]
        var seen = Set<String>()
        var through = after
        for row in try connection.query(
            "SELECT arrival, collection, record_id FROM changes WHERE arrival > \(after) ORDER BY arrival LIMIT \(limit)", logger: logger
        ).wait() {
            let (arrival, collection, id) = try row.decode((Int64, String, String).self)
            through = arrival
            guard collections.contains(collection) else { continue }
            if seen.insert(collection + "/" + id).inserted { ids[collection, default: []].append(id) }
        }
        return (ids, through)
    }

    func lastArrival() throws -> Int64 {
        try connection.query("SELECT coalesce(max(arrival), 0)::bigint FROM changes", logger: logger).wait().first?.decode(Int64.self) ?? 0
    }

    func recordIDs(collection: String, office: String) throws -> [String] {
        let needle = "\"" + office + "\""
        return try connection.query(
            "SELECT record_id FROM records WHERE collection = \(collection) AND strpos(scope, \(needle)) > 0", logger: logger
        ).wait().map { try $0.decode(String.self) }
    }

    func record(collection: String, id: String) throws -> RecordSnapshot? {
        try PostgresReadSet.record(.init(collection: collection, id: id), connection, logger: logger)
    }

    /// Three queries for all of them, whatever their number (a refresh step reads up to 2,000).
    func records(collection: String, ids: [String]) throws -> [RecordSnapshot] {
        guard !ids.isEmpty else { return [] }
        let homes = ids.map(PostgresStore.home(of:))
        var scopes: [String: [String]] = [:]
        for row in try connection.query(
            """
            SELECT r.record_id, r.scope FROM records r JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON r.office = k.office AND r.record_id = k.record_id WHERE r.collection = \(collection)
            """, logger: logger
        ).wait() {
            let (id, scope) = try row.decode((String, String).self)
            scopes[id] = try PostgresLogWriter.decodeScope(scope)
        }
        var fields: [String: [String: JSONValue]] = [:]
        for row in try connection.query(
            """
            SELECT f.record_id, f.field, f.value FROM fields f JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON f.office = k.office AND f.record_id = k.record_id WHERE f.collection = \(collection)
            """, logger: logger
        ).wait() {
            let (id, field, value) = try row.decode((String, String, String).self)
            fields[id, default: [:]][field] = try PostgresStore.decodeValue(value)
        }
        var sets: [String: [String: [String: JSONValue]]] = [:]
        for row in try connection.query(
            """
            SELECT e.record_id, e.field, e.element_id, e.value FROM set_elements e JOIN unnest(\(homes), \(ids)) AS k(office, record_id)
              ON e.office = k.office AND e.record_id = k.record_id WHERE e.collection = \(collection)
            """, logger: logger
        ).wait() {
            let (id, field, element, value) = try row.decode((String, String, String, String).self)
            sets[id, default: [:]][field, default: [:]][element] = try PostgresStore.decodeValue(value)
        }
        return ids.compactMap { id in
            scopes[id].map { RecordSnapshot(collection: collection, id: id, scope: $0, fields: fields[id] ?? [:], sets: sets[id] ?? [:]) }
        }
    }
}

extension PostgresStore {
    /// Runs `body` on one consistent read of the log, on a thread of its own.
    public func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (any LogSnapshot) throws -> T) async throws -> T {
        try await database { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let snapshot = PostgresSnapshot(connection: connection, logger: logger)
                let result = try await PostgresLocalReads.onThread { try body(snapshot) }
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
