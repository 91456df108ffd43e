import Foundation
import GRDB
import TambonCore

/// The `node` table's single row, private key included; it never leaves the store module.
struct NodeRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "node"

    enum Columns: String, ColumnExpression {
        /// Always 1: the table holds one row.
        case id
        case nodeID = "node_id"
        case privateKey = "private_key"
        case office
        case name
        case host
        case createdMillis = "created_ms"
        case clock
        case lastSeq = "last_seq"
        case lastHash = "last_hash"
    }

    let id: NodeID
    let seed: [UInt8]
    let office: String
    let name: String
    let host: String
    let createdMillis: Int64
    let clock: HLC
    let lastSeq: Int64
    let lastHash: [UInt8]?

    /// A new node, before its first change.
    init(identity: NodeIdentity, office: String, name: String, host: String, createdMillis: Int64) {
        id = identity.id
        seed = identity.seed
        self.office = office
        self.name = name
        self.host = host
        self.createdMillis = createdMillis
        clock = HLC(rawValue: 0)
        lastSeq = 0
        lastHash = nil
    }

    init(row: Row) throws {
        let idData: Data = row[Columns.nodeID]
        guard let id = NodeID(bytes: Array(idData)) else {
            throw StoreError(.corrupt, "the node's id in the database is malformed")
        }
        self.id = id
        seed = Array(row[Columns.privateKey] as Data)
        office = row[Columns.office]
        name = row[Columns.name]
        host = row[Columns.host]
        createdMillis = row[Columns.createdMillis]
        clock = HLC(rawValue: UInt64(bitPattern: row[Columns.clock] as Int64))
        lastSeq = row[Columns.lastSeq]
        lastHash = (row[Columns.lastHash] as Data?).map { Array($0) }
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = 1
        container[Columns.nodeID] = Data(id.bytes)
        container[Columns.privateKey] = Data(seed)
        container[Columns.office] = office
        container[Columns.name] = name
        container[Columns.host] = host
        container[Columns.createdMillis] = createdMillis
        container[Columns.clock] = Int64(bitPattern: clock.rawValue)
        container[Columns.lastSeq] = lastSeq
        container[Columns.lastHash] = lastHash.map { Data($0) }
    }

    static func fetch(_ db: Database) throws -> NodeRow? {
        try fetchOne(
            db,
            cached: """
                SELECT node_id, private_key, office, name, host, created_ms, clock, last_seq, last_hash FROM node WHERE id = 1
                """)
    }

    func identity() throws -> NodeIdentity {
        let identity = try NodeIdentity(seed: seed)
        guard identity.id == id else { throw StoreError(.corrupt, "the node's private key does not match its id") }
        return identity
    }

    var info: NodeInfo {
        NodeInfo(
            id: id, office: office, name: name, host: host, createdMillis: createdMillis, clock: clock,
            lastSeq: lastSeq, lastHash: lastHash)
    }

    static func saveClock(_ db: Database, _ clock: HLC) throws {
        try db.execute(cached: "UPDATE node SET clock = MAX(clock, ?) WHERE id = 1", arguments: [Int64(bitPattern: clock.rawValue)])
    }
}
