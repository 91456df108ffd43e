import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// The `hub_node` row: the hub's identity and the head of its own chain.
struct HubNodeRow: Sendable {
    let id: NodeID
    let seed: [UInt8]
    let office: String
    let name: String
    let host: String
    let createdMillis: Int64
    var clock: HLC
    var lastSeq: Int64
    var lastHash: [UInt8]?

    var info: NodeInfo {
        NodeInfo(id: id, office: office, name: name, host: host, createdMillis: createdMillis, clock: clock, lastSeq: lastSeq, lastHash: lastHash)
    }

    /// The columns the row is read from, in this order (``HotStatements/HubNode``).
    static let columns = "node_id, private_key, office, name, host, created_ms, clock, last_seq, last_hash"
    typealias Columns = (ByteBuffer, ByteBuffer, String, String, String, Int64, Int64, Int64, ByteBuffer?)

    /// The row, or nil before the hub is initialised. `forUpdate` locks it for the caller's transaction.
    static func fetch(_ connection: PostgresConnection, logger: Logger, forUpdate: Bool = false) async throws -> HubNodeRow? {
        let rows =
            forUpdate
            ? try await connection.execute(HotStatements.HubNodeForUpdate(), logger: logger)
            : try await connection.execute(HotStatements.HubNode(), logger: logger)
        for try await (node, key, office, name, host, created, clock, seq, hash) in rows {
            guard let id = NodeID(bytes: Array(buffer: node)) else { throw StoreError(.corrupt, "the hub's node id in the database is malformed") }
            return HubNodeRow(
                id: id, seed: Array(buffer: key), office: office, name: name, host: host, createdMillis: created,
                clock: HLC(rawValue: UInt64(bitPattern: clock)), lastSeq: seq, lastHash: hash.map { Array(buffer: $0) })
        }
        return nil
    }

    /// Writes the head of the chain and the clock back (in the caller's transaction).
    func saveHead(_ connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.execute(
            HotStatements.HubNodeSaveHead(
                clock: Int64(bitPattern: clock.rawValue), lastSeq: lastSeq, lastHash: lastHash.map { ByteBuffer(bytes: $0) }),
            logger: logger)
    }
}
