import TambonCore

/// What a hub keeps, whichever database holds it: the replicated log with its routing feed and merged state, the
/// hub's own writes, and the register of enrolled nodes. The embedded ``Store`` (SQLite) and `PostgresStore`
/// (TambonPostgres) are the two; one conformance suite (`TambonHubLogTests`) runs against both, so they hold the
/// same changes, make the same feed pages and the same digests, and refuse the same things.
public protocol HubLog: Sendable {
    var configuration: StoreConfiguration { get }
    /// The register of tokens and enrolled nodes.
    var registry: any PeerDirectory { get }

    /// Creates the hub's identity.
    @discardableResult
    func initialiseNode(office: String, name: String, identity: NodeIdentity) async throws -> NodeInfo
    /// The hub's identity, or nil before it was initialised.
    func node() async throws -> NodeInfo?

    /// Applies a batch of remote changes, all or nothing (``Store/apply(_:options:settingCursor:)``).
    func apply(_ batch: ReceivedChanges, options: ApplyOptions) async throws -> ApplyResult
    /// The hub's own writes, one signed change per edit, in one transaction.
    func write(_ edits: [LocalEdit]) async throws -> [Change]
    /// A read-decide-write transaction of the hub's own (``Store/transaction(_:)``): `body` reads, decides and
    /// returns the edits, written as the hub's changes in the same transaction. `body` may run more than once (on
    /// PostgreSQL a first run outside the lock learns what it reads, and its edits are dropped), so it decides and
    /// nothing else: whatever it should log or count happens after this returns.
    func readWrite(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async throws -> [Change]

    /// One page of an office's feed (or of the whole log), as stored.
    func storedChanges(
        after cursor: Int64, scope office: String?, excluding excludedOrigin: NodeID?, limit: Int
    ) async throws -> FeedPage<StoredChange>
    /// Every merged change of one record, in arrival order; nil for more than `limit`.
    func storedChanges(collection: String, record: String, limit: Int) async throws -> [StoredChange]?
    func record(collection: String, id: String) async throws -> RecordSnapshot?
    func records(collection: String, office: String?) async throws -> [RecordSnapshot]
    /// The ids of `office`'s records in `collection` whose register `link` holds `reference` (the bill lookup).
    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) async throws -> [String]
    /// The digest of an office's replicated state (SPEC §7).
    func digest(scope office: String) async throws -> String
    func statistics() async throws -> StoreStatistics
    /// The routing feed's last position: a cursor past everything routed so far.
    func feedPosition() async throws -> Int64
    /// Runs `body` on one consistent read of the log (``LogSnapshot``).
    func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (any LogSnapshot) throws -> T) async throws -> T
    /// Where a projection keeps its own database file (`name` in the hub's data directory), or nil to keep it in
    /// memory.
    func projectionPath(_ name: String) -> String?

    /// The attachment files (SPEC §14), in the hub's data directory whichever database holds the log.
    var attachments: AttachmentStore { get }
    /// The reference to `hash` from a record in `office`'s scope (any record when nil), outside `excluding`.
    func attachmentReference(_ hash: String, office: String?, excluding: Set<String>) async throws -> AttachmentReference?
    /// The reference through which `office` may read `hash`: a record in its scope whose owner uploaded the file.
    func readableAttachment(_ hash: String, office: String) async throws -> AttachmentReference?
    func ownsAttachment(_ hash: String, office: String) async throws -> Bool
    func addAttachmentOwner(_ hash: String, office: String, size: Int) async throws
    /// The bytes of attachments `office` uploaded (its quota's use).
    func attachmentUsage(office: String) async throws -> Int64

    /// From now on, tells `observer` how long each request to the database waited for a connection, by pool
    /// (``ConnectionPool``): the hub's metrics. A store without a pool of connections (SQLite) never calls it.
    func observeConnectionWaits(_ observer: @escaping @Sendable (ConnectionPool, Duration) -> Void)
}

extension HubLog {
    public func observeConnectionWaits(_ observer: @escaping @Sendable (ConnectionPool, Duration) -> Void) {}
}

extension HubLog {
    public func attachmentReference(_ hash: String, office: String? = nil) async throws -> AttachmentReference? {
        try await attachmentReference(hash, office: office, excluding: [])
    }

    public func records(collection: String) async throws -> [RecordSnapshot] {
        try await records(collection: collection, office: nil)
    }
}

/// The hub's register of enrolment tokens and enrolled nodes (``PeerRegistry`` on SQLite), with the refusal codes
/// of ``PeerRegistry/Refusal`` whichever database holds it.
public protocol PeerDirectory: Sendable {
    func createEnrolmentToken(office: String, role: Peer.Role, officer: String?, lifetimeMillis: Int64) async throws -> String
    func enrolmentTokenOffice(_ token: String) async throws -> String
    func enrol(token: String, node: NodeID, office: String, name: String) async throws -> Peer
    func authenticate(node: NodeID, nonce: Int64, skewMillis: Int64?) async throws -> Peer
    func lastNonce(of node: NodeID) async throws -> Int64?
    /// The peer `node` and the highest request nonce written for it; nil if it is not enrolled (``NonceLedger``).
    func requestState(of node: NodeID) async throws -> (peer: Peer, lastNonce: Int64)?
    /// Writes requests' bookkeeping in one write: each node's nonce and last-seen time (never lowered) and its
    /// skew (kept when nil).
    func recordRequests(_ requests: [NonceLedger.Seen]) async throws
    @discardableResult func revoke(node: NodeID) async throws -> Peer
    func all() async throws -> [Peer]
    /// Every office with an enrolled node and the latest request from any of its nodes (ms), revoked ones
    /// included; nil if none ever synced. Read from the peers alone (``all()`` also counts each node's changes).
    func lastSeenByOffice() async throws -> [String: Int64?]
    func peer(_ id: NodeID) async throws -> Peer?
    @discardableResult func publishRoster() async throws -> Int
}

extension HubLog {
    /// ``apply(_:options:)`` for changes made or read without ``TambonCore/ReceivedChanges``: every hash is checked.
    public func apply(_ batch: [Change], options: ApplyOptions) async throws -> ApplyResult {
        try await apply(ReceivedChanges(batch), options: options)
    }
}

extension PeerDirectory {
    /// A token valid for the default week.
    public func createEnrolmentToken(office: String, role: Peer.Role, officer: String? = nil) async throws -> String {
        try await createEnrolmentToken(office: office, role: role, officer: officer, lifetimeMillis: PeerRegistry.defaultTokenLifetimeMillis)
    }
}

extension PeerRegistry: PeerDirectory {}

extension Store: HubLog {
    public var registry: any PeerDirectory { peers }

    public func apply(_ batch: ReceivedChanges, options: ApplyOptions) async throws -> ApplyResult {
        try await apply(batch, options: options, settingCursor: nil)
    }

    public func write(_ edits: [LocalEdit]) async throws -> [Change] {
        try await transaction { _ in edits }
    }

    public func readWrite(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async throws -> [Change] {
        try await transaction { try body($0) }
    }

    public func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (any LogSnapshot) throws -> T) async throws -> T {
        try await snapshot { try body($0) }
    }
}
