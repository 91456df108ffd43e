import TambonCore

/// How ``Store/apply(_:options:)`` checks a batch.
public struct ApplyOptions: Sendable {
    /// Verify every change's Ed25519 signature (hashes are always verified). Off only in benchmarks and when
    /// re-reading changes this store verified itself.
    public var verifySignatures: Bool
    /// Enforce chain continuity: seq n+1 is accepted only if seq n is held and is its `prev`. For a store that is
    /// the authority for an origin's whole log — the hub receiving pushes from that origin. Replicas fed a
    /// scope-filtered stream leave it off: they see gaps in other origins' sequences.
    public var enforceChain: Bool

    public init(verifySignatures: Bool = true, enforceChain: Bool = false) {
        self.verifySignatures = verifySignatures
        self.enforceChain = enforceChain
    }
}
