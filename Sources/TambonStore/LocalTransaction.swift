import GRDB
import TambonCore

/// The view a ``Store/transaction(_:)`` body has of the store: reads inside the write transaction, the node, and
/// a stamp for events stored inside records (it orders them causally: later than every change this node holds,
/// and no later than the transaction's first change).
public struct LocalTransaction {
    let db: Database
    public let node: NodeInfo
    public let role: NodeRole
    public let stamp: HLC

    /// A record's merged state as of this transaction.
    public func record(collection: String, id: String) throws -> RecordSnapshot? {
        try Store.record(db, collection: collection, id: id)
    }
}
