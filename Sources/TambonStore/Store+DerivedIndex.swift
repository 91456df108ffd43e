import GRDB
import TambonCore

/// For indexes derived from the merged state and kept in tables of their own in the same database (the hub's
/// report index): which records changed since a point in the log, those records read in bulk, and access to the
/// database for the index's own tables. An index never writes the replicated tables.
extension Store {
    /// Records of the given collections changed after arrival `after`, reading at most `limit` changes of the log,
    /// by collection; `through` is the last arrival read (the next call starts after it), equal to `after` when
    /// nothing is new. Called within the index's own write transaction, so what it reads and what it writes agree.
    public static func changedRecords(_ db: Database, collections: Set<String>, after: Int64, limit: Int) throws -> (ids: [String: [String]], through: Int64) {
        var ids: [String: [String]] = [:]
        var seen = Set<String>()
        var through = after
        let rows = try Row.fetchCursor(db, sql: "SELECT arrival, collection, record_id FROM changes WHERE arrival > ? ORDER BY arrival LIMIT ?",
                                       arguments: [after, limit])
        while let row = try rows.next() {
            through = row[0]
            let collection: String = row[1]
            guard collections.contains(collection) else { continue }
            let id: String = row[2]
            if seen.insert(collection + "/" + id).inserted { ids[collection, default: []].append(id) }
        }
        return (ids, through)
    }

    /// The ids of the records of `collection` whose scope holds `office`.
    public static func recordIDs(_ db: Database, collection: String, office: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT record_id FROM records WHERE collection = ? AND scope LIKE ?",
                            arguments: [collection, "%\"" + office + "\"%"])
    }

    /// The records of `collection` with these ids (those held), within the index's transaction.
    public static func records(_ db: Database, collection: String, ids: [String]) throws -> [RecordSnapshot] {
        try ids.compactMap { try record(db, collection: collection, id: $0) }
    }

    /// Reads the database (for an index's own tables).
    public func readIndex<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await writer.read(body)
    }

    /// Writes the database in one transaction (an index's own tables only).
    public func writeIndex<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await writer.write(body)
    }

    /// Runs an index's own migrations (named with its prefix, never those of the store).
    public func migrateIndex(_ migrator: DatabaseMigrator) throws {
        try migrator.migrate(writer)
    }
}
