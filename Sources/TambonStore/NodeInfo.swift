import TambonCore

/// What a store knows about the node it belongs to (never the private key).
public struct NodeInfo: Sendable, Equatable {
    public let id: NodeID
    public let office: String
    public let name: String
    /// The machine the node was initialised or last adopted on (see ``Store/adoptHost()``).
    public let host: String
    public let createdMillis: Int64
    /// The HLC high-water mark: no timestamp at or below it will be issued again.
    public let clock: HLC
    /// The node's own last sequence number and the hash of that change.
    public let lastSeq: Int64
    public let lastHash: [UInt8]?

    public init(id: NodeID, office: String, name: String, host: String, createdMillis: Int64, clock: HLC, lastSeq: Int64, lastHash: [UInt8]?) {
        self.id = id
        self.office = office
        self.name = name
        self.host = host
        self.createdMillis = createdMillis
        self.clock = clock
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }
}
