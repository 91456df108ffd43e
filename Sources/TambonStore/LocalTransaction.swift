import GRDB
import TambonCore

/// The view a ``Store/transaction(_:)`` body has of the store: reads inside the write transaction, the node, and
/// a stamp for events stored inside records: the HLC of the transaction's first change, so later than every
/// change this node holds.
public struct LocalTransaction {
    let db: Database
    public let node: NodeInfo
    public let stamp: HLC

    /// The node's role (read only when asked: most writes never need it).
    public func role() throws -> NodeRole {
        if node.office == Store.hubOffice { return .hub }
        let role = try String.fetchOne(db, cached: "SELECT role FROM hub_link WHERE id = 1")
        return role == "survey" ? .survey : .office
    }

    /// A record's merged state as of this transaction.
    public func record(collection: String, id: String) throws -> RecordSnapshot? {
        try Store.record(db, collection: collection, id: id)
    }

    /// The ids of `office`'s records in `collection` whose register `link` holds `reference`, as of this transaction.
    public func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String] {
        try Store.recordIDs(db, collection: collection, link, reference, office: office)
    }
}
