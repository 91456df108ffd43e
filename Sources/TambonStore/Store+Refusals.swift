import Foundation
import GRDB
import TambonCore

extension Store {
    /// Records that the hub refused some of this node's own changes (its push answer said so): each is kept in
    /// the log, marked refused, and the records it touched are rebuilt from the changes still standing, so this
    /// node's state is the hub's. Unknown seqs and other nodes' changes are ignored. Returns how many were new.
    @discardableResult
    public func markRefused(_ refusals: [(seq: Int64, refusal: AuthorityRefusal)]) async throws -> Int {
        guard !refusals.isEmpty else { return 0 }
        return try await writer.write { db in
            guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            var marked = 0
            var touched: [(collection: String, record: String)] = []
            for (seq, refusal) in refusals {
                guard
                    let row = try Row.fetchOne(
                        db, cached: "SELECT collection, record_id, refused FROM changes WHERE origin = ? AND seq = ?",
                        arguments: [Data(node.id.bytes), seq])
                else { continue }
                let collection: String = row["collection"]
                let record: String = row["record_id"]
                if (row["refused"] as String?) == nil {
                    touched.append((collection, record))
                    marked += 1
                }
                try db.execute(
                    cached: "UPDATE changes SET refused = ?, refused_message = ? WHERE origin = ? AND seq = ?",
                    arguments: [refusal.code, refusal.message, Data(node.id.bytes), seq])
            }
            var seen = Set<String>()
            for (collection, record) in touched where seen.insert(collection + "/" + record).inserted {
                try Self.rebuild(db, collection: collection, record: record)
            }
            return marked
        }
    }

    /// This node's own changes that were refused, newest first (`tambon node status`, the staff pages).
    public func refusedChanges(limit: Int = 100) async throws -> [RefusedChange] {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { return [] }
            return try Row.fetchAll(
                db,
                cached: """
                    SELECT seq, collection, record_id, refused, refused_message FROM changes
                    WHERE origin = ? AND refused IS NOT NULL ORDER BY seq DESC LIMIT ?
                    """, arguments: [Data(node.id.bytes), limit]
            ).map { row in
                let code: String = row["refused"]
                let message: String = row["refused_message"] ?? code
                return RefusedChange(
                    origin: node.id, seq: row["seq"], collection: row["collection"], record: row["record_id"],
                    refusal: AuthorityRefusal(AuthorityRefusal.Reason(rawValue: code) ?? .notOwner, message))
            }
        }
    }

    /// Rebuilds a record's state from the changes of it still standing (not refused), in arrival order. Merging
    /// is order-independent, so the result is what a store that never held the refused changes holds.
    static func rebuild(_ db: Database, collection: String, record: String) throws {
        for table in ["records", "fields", "set_elements"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE collection = ? AND record_id = ?", arguments: [collection, record])
        }
        let writer = try ChangeWriter(db)
        let rows = try Row.fetchAll(
            db,
            cached: "SELECT \(ChangeRow.selection) FROM changes WHERE collection = ? AND record_id = ? AND refused IS NULL ORDER BY arrival",
            arguments: [collection, record])
        for row in rows {
            let change = try ChangeRow(row: row).change.decoded()
            try writer.merge(change, operations: EncodedOperations(change.operations))
        }
    }
}
