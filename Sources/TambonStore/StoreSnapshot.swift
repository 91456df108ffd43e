import Foundation
import GRDB
import TambonCore

/// One consistent read of the store, for projections that derive read models from it into databases of their own
/// (the hub's report index, later search indexes): which records changed since a point of the change feed, and
/// those records. Nothing read here can change while the snapshot's body runs, and nothing can be written.
public struct StoreSnapshot {
    let db: Database

    /// Records of `collections` changed after arrival `after`, reading at most `limit` changes of the log, by
    /// collection in arrival order; `through` is the last arrival read (the next call starts after it), equal to
    /// `after` when nothing is new.
    public func changedRecords(collections: Set<String>, after: Int64, limit: Int) throws -> (ids: [String: [String]], through: Int64) {
        var ids: [String: [String]] = [:]
        var seen = Set<String>()
        var through = after
        let rows = try Row.fetchCursor(
            db, sql: "SELECT arrival, collection, record_id FROM changes WHERE arrival > ? ORDER BY arrival LIMIT ?",
            arguments: [after, limit])
        while let row = try rows.next() {
            through = row[ChangeRow.Columns.arrival]
            let collection: String = row[ChangeRow.Columns.collection]
            guard collections.contains(collection) else { continue }
            let id: String = row[ChangeRow.Columns.recordID]
            if seen.insert(collection + "/" + id).inserted { ids[collection, default: []].append(id) }
        }
        return (ids, through)
    }

    /// The arrival of the last change the log holds (0 for an empty log).
    public func lastArrival() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(arrival), 0) FROM changes") ?? 0
    }

    /// The ids of the records of `collection` whose scope holds `office`.
    public func recordIDs(collection: String, office: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT record_id FROM records WHERE collection = ? AND (? = '' OR instr(scope, ?) > 0)",
            arguments: [collection, Store.scopeNeedle(office), Store.scopeNeedle(office)])
    }

    /// A record's merged state, or nil if no change to it is held.
    public func record(collection: String, id: String) throws -> RecordSnapshot? {
        try Store.record(db, collection: collection, id: id)
    }

    /// The records of `collection` with these ids (those held).
    public func records(collection: String, ids: [String]) throws -> [RecordSnapshot] {
        try ids.compactMap { try Store.record(db, collection: collection, id: $0) }
    }
}

extension Store {
    /// Runs `body` on one consistent read of the store.
    public func snapshot<T: Sendable>(_ body: @Sendable @escaping (StoreSnapshot) throws -> T) async throws -> T {
        try await writer.read { db in try body(StoreSnapshot(db: db)) }
    }

    /// Where a projection of this store keeps its own database: `name` beside the store's file, or nil for an
    /// in-memory store (whose projections are in memory too).
    public func projectionPath(_ name: String) -> String? {
        guard let path = writer.path.isEmpty || writer.path == ":memory:" ? nil : writer.path else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/" + name
    }
}
