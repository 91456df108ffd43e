import Crypto

/// A node's signing key pair. Created once at `node init`; the private half never leaves the node's store.
public struct NodeIdentity: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey
    public let id: NodeID

    /// A fresh random identity.
    public init() {
        self.init(privateKey: Curve25519.Signing.PrivateKey())
    }

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.id = NodeID(bytes: Array(privateKey.publicKey.rawRepresentation))!
    }

    /// Restores an identity from the 32-byte Ed25519 seed.
    public init(seed: [UInt8]) throws {
        self.init(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
    }

    /// The 32-byte Ed25519 seed (what the store keeps).
    public var seed: [UInt8] { Array(privateKey.rawRepresentation) }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message))
    }
}
