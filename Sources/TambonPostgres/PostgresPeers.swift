import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// The hub's register of enrolment tokens and enrolled nodes on PostgreSQL: the same rules and refusals as
/// ``TambonStore/PeerRegistry`` (its token checks and refusal codes are shared), the roster published in the same
/// transaction as each enrolment or revocation.
public struct PostgresPeers: Sendable {
    let store: PostgresStore

    /// The columns of a ``Peer``, with its accepted seq and refused count.
    static let columns = """
        p.node_id, p.office, p.role, p.name, p.status, p.enrolled_ms, p.last_seen_ms, p.skew_ms, p.revoked_after_seq, p.officer,
               (SELECT coalesce(max(seq), 0) FROM changes c WHERE c.origin = p.node_id),
               (SELECT count(*) FROM changes c WHERE c.origin = p.node_id AND c.refused IS NOT NULL),
               p.legacy_seq, p.revoked_ms
        """
    static let selection = "SELECT " + columns + " FROM peers p"
    typealias Row = (ByteBuffer, String, String, String, String, Int64, Int64?, Int64?, Int64?, String?, Int64, Int64, Int64, Int64?)

    public func createEnrolmentToken(
        office: String, role: Peer.Role, officer: String? = nil, lifetimeMillis: Int64 = PeerRegistry.defaultTokenLifetimeMillis
    ) async throws -> String {
        let token = try PeerRegistry.newToken(office: office, role: role, officer: officer, lifetimeMillis: lifetimeMillis)
        let now = store.configuration.wallClock()
        try await store.database { connection in
            try await connection.query(
                """
                INSERT INTO enrolment_tokens (token_hash, office, role, officer, created_ms, expires_ms)
                VALUES (\(ByteBuffer(bytes: PeerRegistry.tokenDigest(token))), \(office), \(role.rawValue), \(officer), \(now), \(now + lifetimeMillis))
                """, logger: store.logger)
        }
        return token
    }

    public func enrolmentTokenOffice(_ token: String) async throws -> String {
        let office = try await store.database { connection -> String? in
            for try await office in try await connection.query(
                "SELECT office FROM enrolment_tokens WHERE token_hash = \(ByteBuffer(bytes: PeerRegistry.tokenDigest(token)))", logger: store.logger
            ).decode(String.self) {
                return office
            }
            return nil
        }
        guard let office else { throw PeerRegistry.Refusal.unknownToken() }
        return office
    }

    public func enrol(token: String, node: NodeID, office: String, name: String) async throws -> Peer {
        let now = store.configuration.wallClock()
        let digest = ByteBuffer(bytes: PeerRegistry.tokenDigest(token))
        let id = ByteBuffer(bytes: node.bytes)
        let logger = store.logger
        return try await store.writerTransaction { connection in
            var row: (office: String, role: String, officer: String?, expires: Int64, usedBy: ByteBuffer?)?
            for try await (tokenOffice, role, officer, expires, usedBy) in try await connection.query(
                "SELECT office, role, officer, expires_ms, used_by FROM enrolment_tokens WHERE token_hash = \(digest) FOR UPDATE", logger: logger
            ).decode((String, String, String?, Int64, ByteBuffer?).self) {
                row = (tokenOffice, role, officer, expires, usedBy)
            }
            guard let row else { throw PeerRegistry.Refusal.unknownToken() }
            let role = Peer.Role(rawValue: row.role) ?? .survey
            if let usedBy = row.usedBy {
                throw TambonError(
                    .conflict, PeerRegistry.Refusal.usedToken,
                    usedBy == id ? "this node is already enrolled with this token" : "this enrolment token has already been used",
                    thai: "รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว")
            }
            guard row.expires > now else {
                throw TambonError(
                    .forbidden, PeerRegistry.Refusal.expiredToken, "this enrolment token has expired", thai: "รหัสลงทะเบียนนี้หมดอายุแล้ว",
                    hint: "ask the hub operator for a new one")
            }
            guard row.office == office else {
                throw TambonError(
                    .forbidden, PeerRegistry.Refusal.wrongOffice,
                    "this token is for office \(row.office), but the node was initialised for office \(office)",
                    thai: "รหัสลงทะเบียนนี้ออกให้สำนักงานอื่น")
            }
            for try await status in try await connection.query("SELECT status FROM peers WHERE node_id = \(id)", logger: logger).decode(String.self) {
                let message = "node \(node.short)… is already known to the hub (\(status))"
                throw status == "revoked"
                    ? TambonError(.forbidden, PeerRegistry.Refusal.revokedNode, message, thai: PeerRegistry.Refusal.revokedThai)
                    : TambonError(.conflict, PeerRegistry.Refusal.alreadyJoined, message, thai: "เครื่องนี้ลงทะเบียนกับศูนย์กลางแล้ว")
            }
            if role == .office {
                for try await active in try await connection.query(
                    "SELECT node_id FROM peers WHERE office = \(office) AND role = 'office' AND status = 'active'", logger: logger
                ).decode(ByteBuffer.self) {
                    throw TambonError(
                        .conflict, PeerRegistry.Refusal.officeNodeExists,
                        "office \(office) already has an active office node (\(Hex.encode(Array(buffer: active)).prefix(12))…)",
                        thai: "สำนักงานนี้มีเครื่องหลักที่ใช้งานอยู่แล้ว", hint: "revoke it first (tambon hub revoke) or enrol this machine as a survey node")
                }
            }
            try await connection.query(
                """
                INSERT INTO peers (node_id, office, role, name, officer, status, enrolled_ms)
                VALUES (\(id), \(office), \(role.rawValue), \(String(name.prefix(200))), \(row.officer), 'active', \(now))
                """, logger: logger)
            try await connection.query(
                "UPDATE enrolment_tokens SET used_by = \(id), used_ms = \(now) WHERE token_hash = \(digest)", logger: logger)
            // Published before the node can push anything, so every replica knows the writer of its first change.
            try await publish(node, connection: connection)
            guard let peer = try await Self.peer(node, connection: connection, logger: logger) else {
                throw StoreError(.corrupt, "the new peer vanished")
            }
            return peer
        }
    }

    /// Authenticates a request: the node enrolled and active, the nonce above any it used (SPEC §9).
    public func authenticate(node: NodeID, nonce: Int64, skewMillis: Int64?) async throws -> Peer {
        let now = store.configuration.wallClock()
        let logger = store.logger
        return try await store.database { connection in
            let updated = try await connection.query(
                """
                UPDATE peers SET last_nonce = \(nonce), last_seen_ms = \(now), skew_ms = coalesce(\(skewMillis), skew_ms)
                WHERE node_id = \(ByteBuffer(bytes: node.bytes)) AND status = 'active' AND last_nonce < \(nonce) RETURNING 1
                """, logger: logger
            ).collect()
            guard let peer = try await Self.peer(node, connection: connection, logger: logger) else { throw PeerRegistry.Refusal.unknown(node) }
            guard peer.active else { throw PeerRegistry.Refusal.revoked(node) }
            guard !updated.isEmpty else { throw PeerRegistry.Refusal.replayed(node, nonce: nonce) }
            return peer
        }
    }

    public func requestState(of node: NodeID) async throws -> (peer: Peer, lastNonce: Int64)? {
        try await store.database { connection in
            let statement = HotStatements.PeerRequestState(node: ByteBuffer(bytes: node.bytes))
            for try await (row, nonce) in try await connection.execute(statement, logger: store.logger) {
                return Self.peer(row).map { ($0, nonce) }
            }
            return nil
        }
    }

    /// One statement for every node's entry; a nonce or a time is never lowered, a skew kept when none was measured.
    public func recordRequests(_ requests: [NonceLedger.Seen]) async throws {
        guard !requests.isEmpty else { return }
        let nodes = requests.map { ByteBuffer(bytes: $0.node.bytes) }, nonces = requests.map(\.nonce)
        let seen = requests.map(\.seenMillis), skews = requests.map { $0.skewMillis ?? Int64.min }
        try await store.database { connection in
            try await connection.query(
                """
                UPDATE peers p SET last_nonce = greatest(p.last_nonce, r.nonce), last_seen_ms = greatest(p.last_seen_ms, r.seen),
                    skew_ms = coalesce(NULLIF(r.skew, \(Int64.min)), p.skew_ms)
                FROM unnest(\(nodes), \(nonces), \(seen), \(skews)) AS r(node, nonce, seen, skew)
                WHERE p.node_id = r.node
                """, logger: store.logger)
        }
    }

    public func lastNonce(of node: NodeID) async throws -> Int64? {
        try await store.database { connection in
            for try await nonce in try await connection.execute(HotStatements.LastNonce(node: ByteBuffer(bytes: node.bytes)), logger: store.logger) {
                return nonce
            }
            return nil
        }
    }

    @discardableResult
    public func revoke(node: NodeID) async throws -> Peer {
        let now = store.configuration.wallClock()
        let logger = store.logger
        let id = ByteBuffer(bytes: node.bytes)
        return try await store.writerTransaction { connection in
            guard try await Self.peer(node, connection: connection, logger: logger) != nil else {
                throw TambonError(
                    .unauthenticated, PeerRegistry.Refusal.unknownNode, "no enrolled node \(node.hex)", thai: PeerRegistry.Refusal.unknownThai,
                    hint: "tambon hub nodes --data DIR")
            }
            try await connection.query(
                """
                UPDATE peers SET status = 'revoked', revoked_ms = \(now),
                    revoked_after_seq = (SELECT coalesce(max(seq), 0) FROM changes WHERE origin = \(id))
                WHERE node_id = \(id) AND status = 'active'
                """, logger: logger)
            try await publish(node, connection: connection)
            return try await Self.peer(node, connection: connection, logger: logger)!
        }
    }

    public func all() async throws -> [Peer] {
        try await store.database { connection in
            var peers: [Peer] = []
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: Self.selection + " ORDER BY p.office, p.enrolled_ms"), logger: store.logger
            ).decode(Row.self) {
                if let peer = Self.peer(row) { peers.append(peer) }
            }
            return peers
        }
    }

    public func lastSeenByOffice() async throws -> [String: Int64?] {
        try await store.database { connection in
            var offices: [String: Int64?] = [:]
            for try await (office, seen) in try await connection.query(
                "SELECT office, max(last_seen_ms) FROM peers GROUP BY office", logger: store.logger
            ).decode((String, Int64?).self) {
                offices[office] = seen
            }
            return offices
        }
    }

    public func peer(_ id: NodeID) async throws -> Peer? {
        try await store.database { connection in try await Self.peer(id, connection: connection, logger: store.logger) }
    }

    /// Makes every roster record say what the peers table says; returns how many entries it wrote.
    @discardableResult
    public func publishRoster() async throws -> Int {
        try await store.writerTransaction { connection in
            var nodes: [NodeID] = []
            for try await id in try await connection.query("SELECT node_id FROM peers ORDER BY enrolled_ms", logger: store.logger).decode(
                ByteBuffer.self)
            {
                nodes.append(try PostgresLogWriter.node(id))
            }
            var written = 0
            for node in nodes where try await publish(node, connection: connection) { written += 1 }
            return written
        }
    }

    /// Writes `node`'s roster entry (and its shares) as hub changes in the caller's transaction, unless it already
    /// says exactly that.
    @discardableResult
    private func publish(_ node: NodeID, connection: PostgresConnection) async throws -> Bool {
        let logger = store.logger
        var found: Row?
        for try await row in try await connection.execute(HotStatements.PeerByNode(node: ByteBuffer(bytes: node.bytes)), logger: logger) {
            found = row
        }
        guard let row = found, let role = NodeRole(rawValue: row.2), role != .hub else { return false }
        let entry = RosterEntry(
            enrolment: Enrolment(node: node, office: row.1, role: role, revokedAfterSeq: row.8, legacySeq: row.12), name: row.3,
            enrolledMillis: row.5,
            revokedMillis: row.13)
        let fields = entry.fields
        let writer = try await PostgresLogWriter(connection: connection, logger: logger)
        guard var hub = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
        var gate = PostgresAuthority(connection: connection, logger: logger, hub: hub.id, rules: store.configuration.authority)
        let held = try await PostgresStore.records(connection, logger: logger, collection: AuthorityRules.rosterCollection, ids: [entry.recordID])
            .first
        if let held, held.fields == fields { return false }
        var edits = [
            LocalEdit(
                collection: AuthorityRules.rosterCollection, record: entry.recordID, set: fields, scope: held?.scope ?? [entry.enrolment.office])
        ]
        for try await (share, scope) in try await connection.query(
            """
            SELECT record_id, scope FROM records WHERE office = \(PostgresStore.home(of: entry.recordID)) AND collection = \(AuthorityRules.rosterCollection)
              AND record_id > \(entry.recordID + ":") AND record_id < \(entry.recordID + ";") ORDER BY record_id
            """, logger: logger
        ).decode((String, String).self) where RosterEntry.primaryID(of: share) == entry.recordID {
            edits.append(
                LocalEdit(collection: AuthorityRules.rosterCollection, record: share, set: fields, scope: try PostgresLogWriter.decodeScope(scope)))
        }
        _ = try await store.writeLocal(edits, writer: writer, node: &hub, gate: &gate)
        try await store.shareRoster(writer: writer, node: &hub, gate: &gate)
        try await writer.flush()
        try await hub.saveHead(connection, logger: logger)
        return true
    }

    static func peer(_ id: NodeID, connection: PostgresConnection, logger: Logger) async throws -> Peer? {
        for try await row in try await connection.execute(HotStatements.PeerByNode(node: ByteBuffer(bytes: id.bytes)), logger: logger) {
            return peer(row)
        }
        return nil
    }

    static func peer(_ row: Row) -> Peer? {
        guard let id = NodeID(bytes: Array(buffer: row.0)) else { return nil }
        return Peer(
            id: id, office: row.1, role: Peer.Role(rawValue: row.2) ?? .survey, name: row.3, active: row.4 == "active", enrolledMillis: row.5,
            lastSeenMillis: row.6, skewMillis: row.7, acceptedSeq: row.10, refusedCount: Int(row.11), revokedAfterSeq: row.8, officer: row.9)
    }
}

extension PostgresStore {
    /// The register of tokens and enrolled nodes.
    public var peers: PostgresPeers { PostgresPeers(store: self) }
}

extension PostgresPeers: PeerDirectory {}

extension PostgresStore: HubLog {
    public var registry: any PeerDirectory { peers }
}
