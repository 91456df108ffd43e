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
    /// At the hub: the most feed rows one change may make; beyond, it is held inert as `feed_limit` (SPEC §6.2).
    /// 4,096 lets a record of 64 changes join 63 offices at once.
    public var maximumFeedRowsPerChange = 4_096
    /// At the hub: the most feed rows one batch may make; beyond, the whole batch is refused (`push_too_costly`,
    /// 413) and the node sends smaller ones (SPEC §6.2), so no push holds the hub's writer for long: with 20,000,
    /// other offices' no-op syncs keep a p99 under 100 ms while one node pushes the worst it may (BENCHMARKS.md).
    public var maximumFeedRowsPerBatch = 20_000

    /// Authenticate a run of one origin's consecutive changes in the batch (seq k to m, each `prev` the hash of the
    /// one before) by the hash chain and the signature of the run's last change (SPEC §5.3a): every hash is still
    /// recomputed, and the last change's signature covers them all. A node pulling from the hub uses it; the hub,
    /// judging pushes, checks every signature.
    public var authenticateRuns = false

    public init(verifySignatures: Bool = true, enforceChain: Bool = false, authenticateRuns: Bool = false) {
        self.verifySignatures = verifySignatures
        self.enforceChain = enforceChain
        self.authenticateRuns = authenticateRuns
    }
}
