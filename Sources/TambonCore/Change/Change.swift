import Crypto

/// One signed commit of one or more operations on one record by one origin: the unit of replication.
///
/// The hash is SHA-256 over the RFC 8785 canonical JSON of every field except `hash` and `sig`; the signature is
/// Ed25519 by the origin's key over the 32 hash bytes. `prev` chains an origin's changes: seq n+1 carries the hash
/// of seq n, and seq 1 carries none. sync-protocol/SPEC.md gives the exact bytes.
public struct Change: Sendable, Hashable {
    /// The protocol version written into every change.
    public static let currentVersion = 1

    public var version: Int
    public var origin: NodeID
    /// Per-origin sequence number: 1, 2, 3 … with no gaps.
    public var seq: Int64
    public var hlc: HLC
    public var collection: String
    public var record: String
    /// Office codes the record belongs to, sorted and unique.
    public var scope: [String]
    public var operations: [ChangeOperation]
    /// The hash of the origin's previous change (nil for seq 1).
    public var previous: [UInt8]?
    public var hash: [UInt8]
    public var signature: [UInt8]

    /// Everything the hash covers, with `hash` and `signature` left empty. Use ``signed(by:)`` to finish it.
    public init(
        version: Int = Change.currentVersion, origin: NodeID, seq: Int64, hlc: HLC, collection: String,
        record: String, scope: [String], operations: [ChangeOperation], previous: [UInt8]?,
        hash: [UInt8] = [], signature: [UInt8] = []
    ) {
        self.version = version
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.collection = collection
        self.record = record
        self.scope = scope
        self.operations = operations
        self.previous = previous
        self.hash = hash
        self.signature = signature
    }

    /// The canonical bytes of the operations array alone (what the store keeps beside the other columns).
    public var canonicalOperations: [UInt8] {
        var output: [UInt8] = []
        ChangeEncoding.appendOperations(operations, to: &output)
        return output
    }

    /// The bytes the hash is computed over.
    public var canonicalBody: [UInt8] {
        ChangeEncoding.body(of: self, canonicalOperations: canonicalOperations)
    }

    /// SHA-256 of ``canonicalBody``.
    public func computeHash() -> [UInt8] {
        Array(SHA256.hash(data: canonicalBody))
    }

    /// This change with its hash computed and signed by `identity`, which must be the origin's. `body` is the
    /// canonical body if the caller already has it (``ChangeValidator/check(_:)`` returns it).
    public func signed(by identity: NodeIdentity, body: [UInt8]? = nil) -> Change {
        precondition(identity.id == origin, "a change is signed by its origin")
        var change = self
        change.hash = Array(SHA256.hash(data: body ?? canonicalBody))
        change.signature = identity.sign(change.hash)
        return change
    }

    /// Checks the declared hash against the content.
    public var hasValidHash: Bool {
        hash.count == 32 && computeHash() == hash
    }

    /// Checks the Ed25519 signature over the declared hash against the origin's public key.
    public var hasValidSignature: Bool {
        SignatureVerifier.isValid(signature: signature, message: hash, publicKey: origin.bytes)
    }
}
