import Foundation
import GRDB
import TambonCore

extension Store {
    /// What a scope's JSON text holds for `office`, quotes included, for `instr(scope, needle)`: an exact,
    /// case-sensitive match (SQL `LIKE` ignores case, and office `abc` must never read office `ABC`'s records).
    /// Empty for every scope (with the `? = ''` guard beside it).
    static func scopeNeedle(_ office: String?) -> String {
        office.map { "\"" + $0 + "\"" } ?? ""
    }

    /// A record's merged state, or nil if no change to it is held.
    public func record(collection: String, id: String) async throws -> RecordSnapshot? {
        try await writer.read { db in try Self.record(db, collection: collection, id: id) }
    }

    /// The same within a transaction the caller holds.
    /// The registers that name a bill by its reference, looked up through the partial index of migration v8.
    public enum BillLink: String, Sendable {
        /// Receipts and payments of a bill.
        case bill
        /// Payments waiting for a bill that has not arrived.
        case awaiting
    }

    /// The ids of `office`'s records in `collection` whose register `link` holds `reference`.
    static func recordIDs(_ db: Database, collection: String, _ link: BillLink, _ reference: String, office: String) throws -> [String] {
        try String.fetchAll(db, cached: billLookup(link), arguments: [collection, JSONValue.string(reference).canonicalText])
            .filter { Authority.isOwned(record: $0, by: office) }
    }

    /// The lookup's statement. The field is written into it (from the enum) so SQLite can prove the field's partial
    /// index applies; a bound parameter would leave it a scan.
    static func billLookup(_ link: BillLink) -> String {
        "SELECT record_id FROM fields WHERE collection = ? AND field = '\(link.rawValue)' AND value = ?"
    }

    /// ``recordIDs(_:collection:_:_:office:)`` outside a transaction.
    public func recordIDs(collection: String, _ link: BillLink, _ reference: String, office: String) async throws -> [String] {
        try await writer.read { db in try Self.recordIDs(db, collection: collection, link, reference, office: office) }
    }

    static func record(_ db: Database, collection: String, id: String) throws -> RecordSnapshot? {
        guard
            let scopeText = try String.fetchOne(
                db, cached: "SELECT scope FROM records WHERE collection = ? AND record_id = ?", arguments: [collection, id])
        else { return nil }
        var fields: [String: JSONValue] = [:]
        try Row.fetchCursor(
            db, cached: "SELECT field, value FROM fields WHERE collection = ? AND record_id = ?", arguments: [collection, id]
        ).forEach { row in
            fields[row["field"]] = try Self.decodeValue(row["value"])
        }
        var sets: [String: [String: JSONValue]] = [:]
        try Row.fetchCursor(
            db, cached: "SELECT field, element_id, value FROM set_elements WHERE collection = ? AND record_id = ?",
            arguments: [collection, id]
        ).forEach { row in
            sets[row["field"], default: [:]][row["element_id"]] = try Self.decodeValue(row["value"])
        }
        return RecordSnapshot(collection: collection, id: id, scope: try Self.decodeScope(scopeText), fields: fields, sets: sets)
    }

    /// Every record of `collection` (optionally only those whose scope holds `office`), in record-id order, read
    /// with three statements however many records there are.
    public func records(collection: String, office: String? = nil) async throws -> [RecordSnapshot] {
        try await writer.read { db in
            let needle = Self.scopeNeedle(office)
            var scopes: [(String, String)] = []
            try Row.fetchCursor(
                db,
                cached: """
                    SELECT record_id, scope FROM records WHERE collection = ? AND (? = '' OR instr(scope, ?) > 0) ORDER BY record_id
                    """, arguments: [collection, needle, needle]
            ).forEach { row in
                scopes.append((row["record_id"], row["scope"]))
            }
            var fields: [String: [String: JSONValue]] = [:]
            // Fields and elements of the same records only (a hub holds every office's).
            try Row.fetchCursor(
                db,
                cached: """
                    SELECT f.record_id, f.field, f.value FROM fields f JOIN records r ON r.collection = f.collection AND r.record_id = f.record_id
                    WHERE f.collection = ? AND (? = '' OR instr(r.scope, ?) > 0)
                    """, arguments: [collection, needle, needle]
            ).forEach { row in
                fields[row["record_id"], default: [:]][row["field"]] = try Self.decodeValue(row["value"])
            }
            var sets: [String: [String: [String: JSONValue]]] = [:]
            try Row.fetchCursor(
                db,
                cached: """
                    SELECT e.record_id, e.field, e.element_id, e.value FROM set_elements e
                    JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                    WHERE e.collection = ? AND (? = '' OR instr(r.scope, ?) > 0)
                    """, arguments: [collection, needle, needle]
            ).forEach { row in
                sets[row["record_id"], default: [:]][row["field"], default: [:]][row["element_id"]] = try Self.decodeValue(row["value"])
            }
            return try scopes.map { id, scope in
                RecordSnapshot(collection: collection, id: id, scope: try Self.decodeScope(scope), fields: fields[id] ?? [:], sets: sets[id] ?? [:])
            }
        }
    }

    /// One page of a feed, at most `limit` changes after `cursor`, none written by `excludedOrigin` (a node
    /// pulling does not need its own changes back).
    ///
    /// With an office, this is that office's routing feed (SPEC §6.1): every change of every record in its scope,
    /// with earlier changes re-delivered when a record joins its scope; positions are feed positions. Without
    /// one, it is the whole log in arrival order; positions are arrival numbers.
    public func changes(
        after cursor: Int64, scope office: String? = nil, excluding excludedOrigin: NodeID? = nil, limit: Int = 1000
    ) async throws -> ChangeFeedPage {
        let page = try await storedChanges(after: cursor, scope: office, excluding: excludedOrigin, limit: limit)
        return FeedPage(changes: try page.changes.map { ($0.position, try Self.decode($0.change)) }, cursor: page.cursor, more: page.more)
    }

    /// ``changes(after:scope:excluding:limit:)`` with the changes as stored, for sending them on
    /// (`TambonProtocol.ChangeBatchWriter`).
    public func storedChanges(
        after cursor: Int64, scope office: String? = nil, excluding excludedOrigin: NodeID? = nil, limit: Int = 1000
    ) async throws -> FeedPage<StoredChange> {
        guard limit >= 1, cursor >= 0 else {
            throw StoreError(.invalidArgument, "a feed page needs a cursor ≥ 0 and a limit ≥ 1")
        }
        return try await writer.read { db in
            let excluded = excludedOrigin.map { Data($0.bytes) } ?? Data()
            let rows: RowCursor
            let end: Int64
            if let office {
                end = try Int64.fetchOne(db, cached: "SELECT IFNULL(MAX(position), 0) FROM feed WHERE office = ?", arguments: [office]) ?? 0
                rows = try Row.fetchCursor(
                    db,
                    cached: """
                        SELECT f.position AS position, \(ChangeRow.selection) FROM feed f JOIN changes c ON c.arrival = f.arrival
                        WHERE f.office = ? AND f.position > ? AND c.origin != ? ORDER BY f.position LIMIT ?
                        """, arguments: [office, cursor, excluded, limit])
            } else {
                end = try Int64.fetchOne(db, cached: "SELECT IFNULL(MAX(arrival), 0) FROM changes") ?? 0
                rows = try Row.fetchCursor(
                    db,
                    cached: """
                        SELECT arrival AS position, \(ChangeRow.selection) FROM changes WHERE arrival > ? AND origin != ? AND refused IS NULL ORDER BY arrival LIMIT ?
                        """, arguments: [cursor, excluded, limit])
            }
            // Each row is read where SQLite holds it (no copy): the position first, then the change (ChangeRow.Position).
            let changes = try Array(rows.map { row in (position: row[0] as Int64, change: try ChangeRow(row: row, after: 1).change) })
            // A short page means the feed is exhausted: the cursor moves to its end, past excluded changes too.
            let next = changes.count < limit ? max(cursor, end) : changes.last!.position
            return FeedPage(changes: changes, cursor: next, more: changes.count == limit && next < end)
        }
    }

    /// Every change of one record that is merged (not inert), in arrival order, as stored: a record's whole history,
    /// for a node that holds a few records rather than a scope (a phone's assigned work, SPEC §11a). At most
    /// `limit` changes; nil for more (the caller refuses the record rather than send part of it).
    public func storedChanges(collection: String, record: String, limit: Int) async throws -> [StoredChange]? {
        try await writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                cached: """
                    SELECT \(ChangeRow.selection) FROM changes WHERE collection = ? AND record_id = ? AND refused IS NULL
                    ORDER BY arrival LIMIT ?
                    """, arguments: [collection, record, limit + 1])
            let changes = try Array(rows.map { try ChangeRow(row: $0).change })
            return changes.count > limit ? nil : changes
        }
    }

    /// The routing feed's last position (0 on a node, which routes nothing).
    public func feedPosition() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, cached: "SELECT IFNULL(MAX(position), 0) FROM feed") ?? 0 }
    }

    /// The digest of the replicated state of `office`'s scope (see ``TambonCore/StateDigest``).
    public func digest(scope office: String) async throws -> String {
        try await writer.read { db in
            let needle = "\"" + office + "\""
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT collection, record_id, 0 AS kind, NULL AS field, NULL AS element_id, scope AS value FROM records
                      WHERE instr(scope, ?1) > 0
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
                let kind: Int = row["kind"]
                switch kind {
                case 0: digest.record(collection: row["collection"], id: row["record_id"], scope: try Self.decodeScope(row["value"]))
                case 1: digest.field(row["field"], canonicalValue: (row["value"] as String).utf8)
                default: digest.element(field: row["field"], id: row["element_id"], canonicalValue: (row["value"] as String).utf8)
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

    static func decode(_ stored: StoredChange) throws -> Change {
        do {
            return try stored.decoded()
        } catch {
            throw StoreError(.corrupt, "a stored change is malformed: \(error)")
        }
    }
}
