import Foundation
import GRDB
import TambonCore

/// The `node` table's single row, private key included; it never leaves the store module.
struct NodeRow {
    let id: NodeID
    let seed: [UInt8]
    let office: String
    let name: String
    let host: String
    let createdMillis: Int64
    let clock: HLC
    let lastSeq: Int64
    let lastHash: [UInt8]?

    static func fetch(_ db: Database) throws -> NodeRow? {
        guard
            let row = try Row.fetchOne(
                db,
                cached: """
                    SELECT node_id, private_key, office, name, host, created_ms, clock, last_seq, last_hash FROM node WHERE id = 1
                    """)
        else { return nil }
        let idData: Data = row[0]
        guard let id = NodeID(bytes: Array(idData)) else {
            throw StoreError(.corrupt, "the node's id in the database is malformed")
        }
        let seed: Data = row[1]
        let lastHash: Data? = row[8]
        let clock: Int64 = row[6]
        return NodeRow(
            id: id, seed: Array(seed), office: row[2], name: row[3], host: row[4], createdMillis: row[5],
            clock: HLC(rawValue: UInt64(bitPattern: clock)), lastSeq: row[7], lastHash: lastHash.map { Array($0) })
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
