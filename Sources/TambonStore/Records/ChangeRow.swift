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

    /// The columns a ``ChangeRow`` reads, in the order of ``selection``. Bulk reads (every push batch, every pull
    /// page) find each column by its place here rather than by name: GRDB lowercases a name for every lookup, an
    /// allocation per column per row that showed in the sync benchmark.
    enum Position: Int, CaseIterable {
        case origin, seq, hlc, collection, recordID, scope, ops, prev, hash, sig

        var column: Columns {
            switch self {
            case .origin: .origin
            case .seq: .seq
            case .hlc: .hlc
            case .collection: .collection
            case .recordID: .recordID
            case .scope: .scope
            case .ops: .ops
            case .prev: .prev
            case .hash: .hash
            case .sig: .sig
            }
        }
    }

    /// The columns a ``ChangeRow`` reads, for a `SELECT` (no other table the store joins has them).
    static let selection = Position.allCases.map(\.column.rawValue).joined(separator: ", ")

    let change: StoredChange

    init(row: Row) throws {
        try self.init(row: row, after: 0)
    }

    /// The change in `row`, whose ``selection`` starts after `offset` other columns (a feed page's position).
    init(row: Row, after offset: Int) throws {
        func at(_ position: Position) -> Int { offset + position.rawValue }
        let originData: Data = row[at(.origin)]
        guard let origin = NodeID(bytes: Array(originData)) else { throw StoreError(.corrupt, "a stored change is malformed") }
        let hlc: Int64 = row[at(.hlc)]
        let scope: String = row[at(.scope)]
        let operations: String = row[at(.ops)]
        let prev: Data? = row[at(.prev)]
        let hash: Data = row[at(.hash)]
        let sig: Data = row[at(.sig)]
        change = StoredChange(
            origin: origin, seq: row[at(.seq)], hlc: HLC(rawValue: UInt64(bitPattern: hlc)), collection: row[at(.collection)],
            record: row[at(.recordID)], canonicalScope: Array(scope.utf8), canonicalOperations: Array(operations.utf8),
            previous: prev.map { Array($0) }, hash: Array(hash), signature: Array(sig))
    }
}
