import TambonCore

/// What a read-decide-write transaction's body may read, whichever database holds the store: the node, the stamp
/// its changes will carry, records, and the bill lookup. ``LocalTransaction`` on SQLite; the hub's PostgreSQL
/// backend has its own. The reads are synchronous: the body decides inside the transaction, with no await between
/// a read and the writes it decides.
public protocol LocalReads {
    var node: NodeInfo { get }
    var stamp: HLC { get }
    func role() throws -> NodeRole
    func record(collection: String, id: String) throws -> RecordSnapshot?
    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String]
}

extension LocalTransaction: LocalReads {}
