import Crypto

/// A node's identity on the wire: its Ed25519 public key (32 bytes), written as 64 lower-case hex digits.
///
/// Because the id *is* the public key, anyone holding a change can check its signature against its origin with
/// no key directory. Ordering is by the raw bytes (the same as by the hex text); it breaks ties between
/// concurrent writes with equal HLC timestamps.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public init?(hex: String) {
        guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else { return nil }
        self.bytes = bytes
    }

    public var hex: String { Hex.encode(bytes) }

    /// The first 12 hex digits, for logs and tables where the full id is too long.
    public var short: String { String(hex.prefix(12)) }

    /// The Ed25519 public key this id denotes.
    public func publicKey() throws -> Curve25519.Signing.PublicKey {
        try Curve25519.Signing.PublicKey(rawRepresentation: bytes)
    }

    /// The 32 bytes in one call (the synthesised hash fed the hasher one byte at a time: a node id keys the
    /// apply's per-origin tables and the hub's routing sets, once or more per change).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public var description: String { hex }
}
