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

    /// The row, or nil before the hub is initialised. `forUpdate` locks it for the caller's transaction.
    static func fetch(_ connection: PostgresConnection, logger: Logger, forUpdate: Bool = false) async throws -> HubNodeRow? {
        let query: PostgresQuery =
            forUpdate
            ? "SELECT node_id, private_key, office, name, host, created_ms, clock, last_seq, last_hash FROM hub_node WHERE id = 1 FOR UPDATE"
            : "SELECT node_id, private_key, office, name, host, created_ms, clock, last_seq, last_hash FROM hub_node WHERE id = 1"
        for try await (node, key, office, name, host, created, clock, seq, hash) in try await connection.query(query, logger: logger).decode(
            (ByteBuffer, ByteBuffer, String, String, String, Int64, Int64, Int64, ByteBuffer?).self)
        {
            guard let id = NodeID(bytes: Array(buffer: node)) else { throw StoreError(.corrupt, "the hub's node id in the database is malformed") }
            return HubNodeRow(
                id: id, seed: Array(buffer: key), office: office, name: name, host: host, createdMillis: created,
                clock: HLC(rawValue: UInt64(bitPattern: clock)), lastSeq: seq, lastHash: hash.map { Array(buffer: $0) })
        }
        return nil
    }

    /// Writes the head of the chain and the clock back (in the caller's transaction).
    func saveHead(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE hub_node SET clock = \(Int64(bitPattern: clock.rawValue)), last_seq = \(lastSeq),
                last_hash = \(lastHash.map { ByteBuffer(bytes: $0) }) WHERE id = 1
            """, logger: logger)
    }
}
