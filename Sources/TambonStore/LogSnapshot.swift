import TambonCore

/// One consistent read of a hub's log, for projections that derive read models from it (the report index):
/// which records changed since a point of the log, and those records. ``StoreSnapshot`` on SQLite; a repeatable-read
/// transaction on PostgreSQL. The reads are synchronous, as a projection's step is.
public protocol LogSnapshot {
    /// Records of `collections` changed after arrival `after`, reading at most `limit` changes, by collection in
    /// arrival order; `through` is the last arrival read.
    func changedRecords(collections: Set<String>, after: Int64, limit: Int) throws -> (ids: [String: [String]], through: Int64)
    /// The arrival of the last change the log holds (0 for an empty log).
    func lastArrival() throws -> Int64
    /// The ids of the records of `collection` whose scope holds `office`.
    func recordIDs(collection: String, office: String) throws -> [String]
    func record(collection: String, id: String) throws -> RecordSnapshot?
    /// The records of `collection` with these ids (those held).
    func records(collection: String, ids: [String]) throws -> [RecordSnapshot]
}

extension StoreSnapshot: LogSnapshot {}
