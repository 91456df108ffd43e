import Crypto
import Foundation
import GRDB
import TambonCore

/// The hub's side of enrolment and authentication. Only the hub's store uses these tables.
extension Store {
    public static let defaultTokenLifetimeMillis: Int64 = 7 * 86_400_000

    /// A new one-time enrolment token for a node of `office` (only its SHA-256 is stored).
    public func createEnrolmentToken(office: String, role: Peer.Role, lifetimeMillis: Int64 = Store.defaultTokenLifetimeMillis) async throws -> String
    {
        guard Names.isValidOffice(office) else { throw StoreError(.invalidArgument, "invalid office code \"\(office)\"") }
        // The hub's own scope (its operators' accounts) is never replicated to a node.
        guard office != Self.hubOffice else { throw StoreError(.invalidArgument, "\"\(office)\" is the hub's own scope, not an office") }
        guard lifetimeMillis > 0 else { throw StoreError(.invalidArgument, "a token must be valid for some time") }
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = "tbn1." + Hex.encode(bytes)
        let now = configuration.wallClock()
        try await writer.write { db in
            try db.execute(
                cached: "INSERT INTO enrolment_tokens (token_hash, office, role, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                arguments: [Data(Self.tokenHash(token)), office, role.rawValue, now, now + lifetimeMillis])
        }
        return token
    }

    static func tokenHash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// The office a token was made for (for a node being restored, which learns its office from the token).
    public func enrolmentTokenOffice(_ token: String) async throws -> String {
        let office = try await writer.read { db in
            try String.fetchOne(db, cached: "SELECT office FROM enrolment_tokens WHERE token_hash = ?", arguments: [Data(Self.tokenHash(token))])
        }
        guard let office else {
            throw StoreError(.invalidToken, "unknown enrolment token", hint: "ask the hub operator for a new one (tambon hub token)")
        }
        return office
    }

    /// Enrols `node` with a one-time token. Refused if the token is unknown, used or expired, was made for another
    /// office, or — for an office-role token — the office already has an active office node.
    public func enrol(token: String, node: NodeID, office: String, name: String) async throws -> Peer {
        let now = configuration.wallClock()
        return try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT office, role, expires_ms, used_by FROM enrolment_tokens WHERE token_hash = ?",
                    arguments: [Data(Self.tokenHash(token))])
            else { throw StoreError(.invalidToken, "unknown enrolment token", hint: "ask the hub operator for a new one (tambon hub token)") }
            let tokenOffice: String = row[0]
            let role = Peer.Role(rawValue: row[1]) ?? .survey
            let expires: Int64 = row[2]
            if let usedBy: Data = row[3] {
                let again = usedBy == Data(node.bytes)
                throw StoreError(.usedToken, again ? "this node is already enrolled with this token" : "this enrolment token has already been used")
            }
            guard expires > now else {
                throw StoreError(.expiredToken, "this enrolment token has expired", hint: "ask the hub operator for a new one")
            }
            guard tokenOffice == office else {
                throw StoreError(.wrongOffice, "this token is for office \(tokenOffice), but the node was initialised for office \(office)")
            }
            if let existing = try Row.fetchOne(db, cached: "SELECT status FROM peers WHERE node_id = ?", arguments: [Data(node.bytes)]) {
                let status: String = existing[0]
                throw StoreError(status == "revoked" ? .revokedNode : .alreadyJoined, "node \(node.short)… is already known to the hub (\(status))")
            }
            if role == .office,
                let active = try Data.fetchOne(
                    db, cached: "SELECT node_id FROM peers WHERE office = ? AND role = 'office' AND status = 'active'", arguments: [office])
            {
                throw StoreError(
                    .officeNodeExists,
                    "office \(office) already has an active office node (\(Hex.encode(active).prefix(12))…)",
                    hint: "revoke it first (tambon hub revoke) or enrol this machine as a survey node")
            }
            try db.execute(
                cached: "INSERT INTO peers (node_id, office, role, name, status, enrolled_ms) VALUES (?, ?, ?, ?, 'active', ?)",
                arguments: [Data(node.bytes), office, role.rawValue, String(name.prefix(200)), now])
            try db.execute(
                cached: "UPDATE enrolment_tokens SET used_by = ?, used_ms = ? WHERE token_hash = ?",
                arguments: [Data(node.bytes), now, Data(Self.tokenHash(token))])
            return try Self.peer(db, node)!
        }
    }

    /// Authenticates a request from `node` carrying `nonce`: the node must be enrolled and active and the nonce
    /// greater than any it used before (so a captured request cannot be replayed). Records when it was seen and
    /// its measured clock skew.
    ///
    /// This bookkeeping is committed without waiting for the disk (`synchronous = NORMAL` for this transaction
    /// only): it runs for every request, and a disk flush each time would cap the hub at a few hundred requests a
    /// second. A power cut can lose the last moments of it, which re-opens those nonces only to someone who could
    /// read the TLS traffic in the first place; pushes are idempotent anyway.
    public func authenticate(node: NodeID, nonce: Int64, skewMillis: Int64?) async throws -> Peer {
        let now = configuration.wallClock()
        let restore = configuration.durableCommits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"
        return try await writer.writeWithoutTransaction { db in
            try db.execute(cached: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(cached: restore) }
            var peer: Peer?
            try db.inTransaction(.immediate) {
                peer = try Self.authenticate(db, node: node, nonce: nonce, skewMillis: skewMillis, now: now)
                return .commit
            }
            return peer!
        }
    }

    private static func authenticate(_ db: Database, node: NodeID, nonce: Int64, skewMillis: Int64?, now: Int64) throws -> Peer {
        guard let peer = try Self.peer(db, node) else {
            throw StoreError(.unknownNode, "node \(node.short)… is not enrolled with this hub", hint: "tambon node join")
        }
        guard peer.active else { throw StoreError(.revokedNode, "node \(node.short)… has been revoked by the hub operator") }
        try db.execute(
            cached: "UPDATE peers SET last_nonce = ?, last_seen_ms = ?, skew_ms = IFNULL(?, skew_ms) WHERE node_id = ? AND last_nonce < ?",
            arguments: [nonce, now, skewMillis, Data(node.bytes), nonce])
        guard db.changesCount == 1 else {
            throw StoreError(.replayedRequest, "request nonce \(nonce) was already used by node \(node.short)… (replayed request)")
        }
        return try Self.peer(db, node)!
    }

    /// The highest request nonce the hub has accepted from `node`.
    public func lastNonce(of node: NodeID) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(db, cached: "SELECT last_nonce FROM peers WHERE node_id = ?", arguments: [Data(node.bytes)])
        }
    }

    /// Revokes an enrolled node: it can no longer push or pull.
    @discardableResult
    public func revoke(node: NodeID) async throws -> Peer {
        let now = configuration.wallClock()
        return try await writer.write { db in
            guard try Self.peer(db, node) != nil else {
                throw StoreError(.unknownNode, "no enrolled node \(node.hex)", hint: "tambon hub nodes --data DIR")
            }
            try db.execute(
                cached: "UPDATE peers SET status = 'revoked', revoked_ms = ? WHERE node_id = ? AND status = 'active'",
                arguments: [now, Data(node.bytes)])
            return try Self.peer(db, node)!
        }
    }

    /// Every enrolled node, by office then enrolment time.
    public func peers() async throws -> [Peer] {
        try await writer.read { db in
            try Data.fetchAll(db, cached: "SELECT node_id FROM peers ORDER BY office, enrolled_ms").compactMap { data in
                guard let id = NodeID(bytes: Array(data)) else { return nil }
                return try Self.peer(db, id)
            }
        }
    }

    public func peer(_ id: NodeID) async throws -> Peer? {
        try await writer.read { db in try Self.peer(db, id) }
    }

    static func peer(_ db: Database, _ id: NodeID) throws -> Peer? {
        guard
            let row = try Row.fetchOne(
                db,
                cached: """
                    SELECT office, role, name, status, enrolled_ms, last_seen_ms, skew_ms,
                           (SELECT IFNULL(MAX(seq), 0) FROM changes WHERE origin = peers.node_id)
                    FROM peers WHERE node_id = ?
                    """, arguments: [Data(id.bytes)])
        else { return nil }
        return Peer(
            id: id, office: row[0], role: Peer.Role(rawValue: row[1]) ?? .survey, name: row[2], active: (row[3] as String) == "active",
            enrolledMillis: row[4], lastSeenMillis: row[5], skewMillis: row[6], acceptedSeq: row[7])
    }
}
