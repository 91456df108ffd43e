import Foundation
import GRDB
import TambonCore

extension Store {
    /// A record's merged state, or nil if no change to it is held.
    public func record(collection: String, id: String) async throws -> RecordSnapshot? {
        try await writer.read { db in
            guard let scopeText = try String.fetchOne(
                db, sql: "SELECT scope FROM records WHERE collection = ? AND record_id = ?", arguments: [collection, id])
            else { return nil }
            var fields: [String: JSONValue] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT field, value FROM fields WHERE collection = ? AND record_id = ?", arguments: [collection, id])
            {
                fields[row[0]] = try Self.decodeValue(row[1])
            }
            var sets: [String: [String: JSONValue]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT field, element_id, value FROM set_elements WHERE collection = ? AND record_id = ?",
                arguments: [collection, id])
            {
                sets[row[0], default: [:]][row[1]] = try Self.decodeValue(row[2])
            }
            return RecordSnapshot(collection: collection, id: id, scope: try Self.decodeScope(scopeText), fields: fields, sets: sets)
        }
    }

    /// Changes that arrived after `cursor`, in arrival order, at most `limit`; only those whose scope contains
    /// `office` if one is given, and none written by `excludedOrigin` (a node pulling does not need its own
    /// changes back). This is the feed sync pages through.
    public func changes(
        after cursor: Int64, scope office: String? = nil, excluding excludedOrigin: NodeID? = nil, limit: Int = 1000
    ) async throws -> ChangeFeedPage {
        guard limit >= 1, cursor >= 0 else {
            throw StoreError(.invalidArgument, "a feed page needs a cursor ≥ 0 and a limit ≥ 1")
        }
        return try await writer.read { db in
            let columns = "c.arrival, c.origin, c.seq, c.hlc, c.collection, c.record_id, c.scope, c.ops, c.prev, c.hash, c.sig"
            let excluded = excludedOrigin.map { Data($0.bytes) } ?? Data()
            let rows: [Row]
            if let office {
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM change_scopes s JOIN changes c ON c.arrival = s.arrival
                    WHERE s.office = ? AND s.arrival > ? AND c.origin != ? ORDER BY s.arrival LIMIT ?
                    """, arguments: [office, cursor, excluded, limit])
            } else {
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM changes c WHERE c.arrival > ? AND c.origin != ? ORDER BY c.arrival LIMIT ?
                    """, arguments: [cursor, excluded, limit])
            }
            let changes = try rows.map { row in (arrival: row[0] as Int64, change: try Self.change(from: row)) }
            // The cursor moves past excluded changes too, so the next page does not scan them again.
            let scanned = try Self.lastArrival(db, after: cursor, office: office, upTo: changes.last?.arrival, limit: limit)
            return ChangeFeedPage(changes: changes, cursor: max(changes.last?.arrival ?? cursor, scanned))
        }
    }

    /// With exclusions a page can hold fewer than `limit` changes although more arrived; the cursor may advance
    /// to the last arrival in scope up to the page's last change (or, for an empty page, to the end).
    private static func lastArrival(_ db: Database, after cursor: Int64, office: String?, upTo last: Int64?, limit: Int) throws -> Int64 {
        if let last { return last }
        if let office {
            return try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(arrival), ?) FROM change_scopes WHERE office = ? AND arrival > ?",
                                      arguments: [cursor, office, cursor]) ?? cursor
        }
        return try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(arrival), ?) FROM changes WHERE arrival > ?", arguments: [cursor, cursor]) ?? cursor
    }

    /// The digest of the replicated state of `office`'s scope (see ``TambonCore/StateDigest``).
    public func digest(scope office: String) async throws -> String {
        try await writer.read { db in
            let needle = "\"" + office + "\""
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT collection, record_id, 0, NULL, NULL, scope FROM records WHERE instr(scope, ?1) > 0
                UNION ALL
                SELECT f.collection, f.record_id, 1, f.field, NULL, f.value FROM fields f
                  JOIN records r ON r.collection = f.collection AND r.record_id = f.record_id WHERE instr(r.scope, ?1) > 0
                UNION ALL
                SELECT e.collection, e.record_id, 2, e.field, e.element_id, e.value FROM set_elements e
                  JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id WHERE instr(r.scope, ?1) > 0
                ORDER BY 1, 2, 3, 4, 5
                """, arguments: [needle])
            var digest = StateDigest()
            while let row = try cursor.next() {
                let kind: Int = row[2]
                switch kind {
                case 0: digest.record(collection: row[0], id: row[1], scope: try Self.decodeScope(row[5]))
                case 1: digest.field(row[3], canonicalValue: (row[5] as String).utf8)
                default: digest.element(field: row[3], id: row[4], canonicalValue: (row[5] as String).utf8)
                }
            }
            return digest.finalize()
        }
    }

    static func decodeValue(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw StoreError(.corrupt, "a stored value is not valid JSON: \(error)")
        }
    }

    static func change(from row: Row) throws -> Change {
        let originData: Data = row[1]
        let prev: Data? = row[8]
        let hash: Data = row[9]
        let sig: Data = row[10]
        let hlc: Int64 = row[3]
        guard let origin = NodeID(bytes: Array(originData)), case .array(let opValues) = try decodeValue(row[7]) else {
            throw StoreError(.corrupt, "a stored change is malformed")
        }
        let operations = try opValues.map { value in
            do { return try ChangeCodec.operation(from: value) } catch { throw StoreError(.corrupt, "a stored operation is malformed: \(error)") }
        }
        return Change(
            origin: origin, seq: row[2], hlc: HLC(rawValue: UInt64(bitPattern: hlc)), collection: row[4], record: row[5],
            scope: try decodeScope(row[6]), operations: operations, previous: prev.map { Array($0) }, hash: Array(hash),
            signature: Array(sig))
    }
}
