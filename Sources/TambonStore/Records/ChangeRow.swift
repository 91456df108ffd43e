import Foundation
import GRDB
import TambonCore

/// A row of `changes`: a change as the store keeps it, its operations and scope still canonical JSON.
///
/// Only reads use it (pushes and pull pages, in bulk): writes go through `ChangeWriter`'s raw statements. Read
/// through a cursor or `fetchAll`, a row is SQLite's own, each column found by name in one lookup: no copy of the
/// row is made.
struct ChangeRow: FetchableRecord {
    static let databaseTableName = "changes"

    enum Columns: String, ColumnExpression {
        case origin
        case seq
        /// The local arrival sequence (not part of the change).
        case arrival
        case hlc
        case collection
        case recordID = "record_id"
        case scope
        case ops
        case prev
        case hash
        case sig
    }

    /// The columns a ``ChangeRow`` reads, for a `SELECT` (no other table the store joins has them).
    static let selection = [Columns.origin, .seq, .hlc, .collection, .recordID, .scope, .ops, .prev, .hash, .sig]
        .map(\.rawValue).joined(separator: ", ")

    let change: StoredChange

    init(row: Row) throws {
        let originData: Data = row[Columns.origin]
        guard let origin = NodeID(bytes: Array(originData)) else { throw StoreError(.corrupt, "a stored change is malformed") }
        let hlc: Int64 = row[Columns.hlc]
        let scope: String = row[Columns.scope]
        let operations: String = row[Columns.ops]
        let prev: Data? = row[Columns.prev]
        let hash: Data = row[Columns.hash]
        let sig: Data = row[Columns.sig]
        change = StoredChange(
            origin: origin, seq: row[Columns.seq], hlc: HLC(rawValue: UInt64(bitPattern: hlc)), collection: row[Columns.collection],
            record: row[Columns.recordID], canonicalScope: Array(scope.utf8), canonicalOperations: Array(operations.utf8),
            previous: prev.map { Array($0) }, hash: Array(hash), signature: Array(sig))
    }
}
