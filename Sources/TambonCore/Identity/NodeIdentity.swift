import CSodium
import Crypto

/// A node's signing key pair. Created once at `node init`; the private half never leaves the node's store.
///
/// Signing goes through libsodium with the key expanded once here: swift-crypto re-derives the public key from
/// the seed on every signature, which doubles the cost of each local write and each signed sync request.
public struct NodeIdentity: Sendable {
    public let id: NodeID
    /// The 32-byte Ed25519 seed (what the store keeps).
    public let seed: [UInt8]
    /// libsodium's 64-byte secret key: the seed followed by the public key.
    private let secretKey: [UInt8]

    /// A fresh random identity.
    public init() {
        try! self.init(seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        try! self.init(seed: Array(privateKey.rawRepresentation))
    }

    /// Restores an identity from the 32-byte Ed25519 seed.
    public init(seed: [UInt8]) throws(IdentityError) {
        guard seed.count == 32, SignatureVerifier.ready else { throw IdentityError() }
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        let status = crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
        guard status == 0, let id = NodeID(bytes: publicKey) else { throw IdentityError() }
        self.id = id
        self.seed = seed
        self.secretKey = secretKey
    }

    /// The Ed25519 signature of `message` (deterministic, RFC 8032).
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
        return signature
    }

    /// A seed that is not 32 bytes.
    public struct IdentityError: Error, CustomStringConvertible {
        public var description: String { "an Ed25519 seed is 32 bytes" }
    }
}
