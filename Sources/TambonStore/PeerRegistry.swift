import Crypto
import Foundation
import GRDB
import TambonCore

/// The hub's register of who may sync: one-time enrolment tokens, the nodes enrolled with them (peers), and each
/// node's request nonces, checked on every request so a captured request cannot be replayed.
///
/// It lives in the hub's database file and writes through the store's writer (`store.peers`), but it is not part
/// of the replicated store: nothing here is in the change log, and a node's store never uses these tables. Its
/// refusals are ``TambonCore/TambonError``s with the wire codes of ``Refusal``.
public struct PeerRegistry: Sendable {
    public static let defaultTokenLifetimeMillis: Int64 = 7 * 86_400_000

    let store: Store
    var writer: any DatabaseWriter { store.writer }
    var configuration: StoreConfiguration { store.configuration }

    public init(store: Store) {
        self.store = store
    }

    /// A new one-time enrolment token for a node of `office` (only its SHA-256 is stored).
    public func createEnrolmentToken(
        office: String, role: Peer.Role, officer: String? = nil, lifetimeMillis: Int64 = PeerRegistry.defaultTokenLifetimeMillis
    ) async throws -> String {
        let token = try Self.newToken(office: office, role: role, officer: officer, lifetimeMillis: lifetimeMillis)
        let now = configuration.wallClock()
        try await writer.write { db in
            try EnrolmentTokenRow(
                tokenHash: Self.tokenHash(token), office: office, role: role.rawValue, createdMillis: now,
                expiresMillis: now + lifetimeMillis, officer: officer
            ).insert(db)
        }
        return token
    }

    /// A fresh one-time token for a node of `office`, after checking what it is for (every backend's registry).
    public static func newToken(office: String, role: Peer.Role, officer: String?, lifetimeMillis: Int64) throws -> String {
        guard Names.isValidOffice(office) else { throw Refusal.invalidArgument("invalid office code \"\(office)\"") }
        if let officer {
            guard role == .survey else { throw Refusal.invalidArgument("only a survey node (a phone) is bound to an officer") }
            guard Self.isValidOfficer(officer) else {
                throw Refusal.invalidArgument("invalid officer account \"\(officer)\": 1 to 64 letters, digits, '.', '_' or '-'")
            }
        }
        // The hub's own scope (its operators' accounts) is never replicated to a node.
        // Compared without case, so "HUB" or "Hub" cannot pass for it either.
        guard office.lowercased() != Store.hubOffice else {
            throw Refusal.invalidArgument("\"\(office)\" is the hub's own scope, not an office")
        }
        guard lifetimeMillis > 0 else { throw Refusal.invalidArgument("a token must be valid for some time") }
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return "tbn1." + Hex.encode(bytes)
    }

    /// An officer's account name as a phone's binding: what staff accounts may be called.
    public static func isValidOfficer(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F
                    || byte == 0x2D
            }
    }

    /// What is stored of a token: its SHA-256.
    public static func tokenDigest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Array(token.utf8)))
    }

    /// The office a token was made for (for a node being restored, which learns its office from the token).
    public func enrolmentTokenOffice(_ token: String) async throws -> String {
        let office = try await writer.read { db in
            try String.fetchOne(db, cached: "SELECT office FROM enrolment_tokens WHERE token_hash = ?", arguments: [Self.tokenHash(token)])
        }
        guard let office else { throw Refusal.unknownToken() }
        return office
    }

    /// Enrols `node` with a one-time token. Refused if the token is unknown, used or expired, was made for another
    /// office, or — for an office-role token — the office already has an active office node.
    public func enrol(token: String, node: NodeID, office: String, name: String) async throws -> Peer {
        let now = configuration.wallClock()
        return try await writer.write { db in
            guard var row = try EnrolmentTokenRow.fetchOne(db, key: Self.tokenHash(token)) else { throw Refusal.unknownToken() }
            let role = Peer.Role(rawValue: row.role) ?? .survey
            if let usedBy = row.usedBy {
                let again = usedBy == Data(node.bytes)
                throw TambonError(
                    .conflict, Refusal.usedToken,
                    again ? "this node is already enrolled with this token" : "this enrolment token has already been used",
                    thai: "รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว")
            }
            guard row.expiresMillis > now else {
                throw TambonError(
                    .forbidden, Refusal.expiredToken, "this enrolment token has expired",
                    thai: "รหัสลงทะเบียนนี้หมดอายุแล้ว", hint: "ask the hub operator for a new one")
            }
            guard row.office == office else {
                throw TambonError(
                    .forbidden, Refusal.wrongOffice,
                    "this token is for office \(row.office), but the node was initialised for office \(office)",
                    thai: "รหัสลงทะเบียนนี้ออกให้สำนักงานอื่น")
            }
            if let status = try String.fetchOne(db, cached: "SELECT status FROM peers WHERE node_id = ?", arguments: [Data(node.bytes)]) {
                let message = "node \(node.short)… is already known to the hub (\(status))"
                throw status == PeerRow.revoked
                    ? TambonError(.forbidden, Refusal.revokedNode, message, thai: Refusal.revokedThai)
                    : TambonError(.conflict, Refusal.alreadyJoined, message, thai: "เครื่องนี้ลงทะเบียนกับศูนย์กลางแล้ว")
            }
            if role == .office,
                let active = try Data.fetchOne(
                    db, cached: "SELECT node_id FROM peers WHERE office = ? AND role = 'office' AND status = 'active'", arguments: [office])
            {
                throw TambonError(
                    .conflict, Refusal.officeNodeExists,
                    "office \(office) already has an active office node (\(Hex.encode(active).prefix(12))…)",
                    thai: "สำนักงานนี้มีเครื่องหลักที่ใช้งานอยู่แล้ว",
                    hint: "revoke it first (tambon hub revoke) or enrol this machine as a survey node")
            }
            let peer = PeerRow(enrolling: node, office: office, role: role, name: String(name.prefix(200)), officer: row.officer, at: now)
            try peer.insert(db)
            // Published before the node can push anything, so every replica knows the writer of its first change.
            try publish(peer, db)
            row.usedBy = Data(node.bytes)
            row.usedMillis = now
            try row.update(db, columns: [EnrolmentTokenRow.Columns.usedBy, EnrolmentTokenRow.Columns.usedMillis])
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
        guard let peer = try Self.peer(db, node) else { throw Refusal.unknown(node) }
        guard peer.active else { throw Refusal.revoked(node) }
        try db.execute(
            cached: "UPDATE peers SET last_nonce = ?, last_seen_ms = ?, skew_ms = IFNULL(?, skew_ms) WHERE node_id = ? AND last_nonce < ?",
            arguments: [nonce, now, skewMillis, Data(node.bytes), nonce])
        guard db.changesCount == 1 else { throw Refusal.replayed(node, nonce: nonce) }
        return try Self.peer(db, node)!
    }

    /// The peer `node` and the highest request nonce written for it (``NonceLedger`` holds newer ones).
    public func requestState(of node: NodeID) async throws -> (peer: Peer, lastNonce: Int64)? {
        try await writer.read { db in
            guard let peer = try Self.peer(db, node),
                let nonce = try Int64.fetchOne(db, cached: "SELECT last_nonce FROM peers WHERE node_id = ?", arguments: [Data(node.bytes)])
            else { return nil }
            return (peer, nonce)
        }
    }

    /// Writes requests' bookkeeping (``NonceLedger/flush()``) in one transaction, committed without waiting for the
    /// disk as ``authenticate(node:nonce:skewMillis:)`` is: a nonce or a time is never lowered, a skew kept unless
    /// a new one was measured.
    public func recordRequests(_ requests: [NonceLedger.Seen]) async throws {
        guard !requests.isEmpty else { return }
        let restore = configuration.durableCommits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"
        try await writer.writeWithoutTransaction { db in
            try db.execute(cached: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(cached: restore) }
            try db.inTransaction(.immediate) {
                for seen in requests {
                    try db.execute(
                        cached: """
                            UPDATE peers SET last_nonce = MAX(last_nonce, ?), last_seen_ms = MAX(IFNULL(last_seen_ms, 0), ?),
                                skew_ms = IFNULL(?, skew_ms) WHERE node_id = ?
                            """,
                        arguments: [seen.nonce, seen.seenMillis, seen.skewMillis, Data(seen.node.bytes)])
                }
                return .commit
            }
        }
    }

    /// Makes the roster records (collection `nodes`, SPEC §15.4) say what the peers table says, for every node
    /// enrolled: after an upgrade from protocol 1 this publishes the whole roster, legacy marks included. Writes
    /// only what differs; returns how many entries it wrote.
    @discardableResult
    public func publishRoster() async throws -> Int {
        try await writer.write { db in
            var written = 0
            for row in try PeerRow.fetchAll(db, sql: "SELECT * FROM peers ORDER BY enrolled_ms") {
                if try publish(row, db) { written += 1 }
            }
            return written
        }
    }

    /// Writes `peer`'s roster entry as a change of the hub's own, in the caller's transaction, unless it already
    /// says exactly that.
    @discardableResult
    private func publish(_ peer: PeerRow, _ db: Database) throws -> Bool {
        guard let entry = peer.rosterEntry, let hub = try NodeRow.fetch(db) else { return false }
        let fields = entry.fields
        let held = try Store.record(db, collection: AuthorityRules.rosterCollection, id: entry.recordID)
        if let held, held.fields == fields { return false }
        // An entry already shared with other offices keeps them; its shares (§15.4) say the same, to theirs.
        var edits = [
            LocalEdit(
                collection: AuthorityRules.rosterCollection, record: entry.recordID, set: fields, scope: held?.scope ?? [entry.enrolment.office])
        ]
        for share in try Store.rosterShares(db, of: entry.recordID) {
            edits.append(LocalEdit(collection: AuthorityRules.rosterCollection, record: share.id, set: fields, scope: share.record.scope))
        }
        _ = try store.writeLocal(db, node: hub, edits: edits)
        return true
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
                throw TambonError(
                    .unauthenticated, Refusal.unknownNode, "no enrolled node \(node.hex)",
                    thai: Refusal.unknownThai, hint: "tambon hub nodes --data DIR")
            }
            try db.execute(
                cached: """
                    UPDATE peers SET status = 'revoked', revoked_ms = ?,
                        revoked_after_seq = (SELECT IFNULL(MAX(seq), 0) FROM changes WHERE origin = peers.node_id)
                    WHERE node_id = ? AND status = 'active'
                    """,
                arguments: [now, Data(node.bytes)])
            if let row = try PeerRow.fetchOne(db, key: Data(node.bytes)) { try publish(row, db) }
            return try Self.peer(db, node)!
        }
    }

    /// Every enrolled node, by office then enrolment time.
    public func all() async throws -> [Peer] {
        try await writer.read { db in
            try Array(
                Row.fetchCursor(db, cached: PeerRow.selectWithAcceptedSeq + " ORDER BY office, enrolled_ms")
                    .compactMap(PeerRow.peer(from:)))
        }
    }

    /// Every office with an enrolled node, and when any of its nodes last made a request (ms; nil: never).
    public func lastSeenByOffice() async throws -> [String: Int64?] {
        try await writer.read { db in
            var offices: [String: Int64?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT office, MAX(last_seen_ms) FROM peers GROUP BY office") {
                offices[row[0] as String] = row[1] as Int64?
            }
            return offices
        }
    }

    /// An enrolled node, active or revoked, or nil.
    public func peer(_ id: NodeID) async throws -> Peer? {
        try await writer.read { db in try Self.peer(db, id) }
    }

    static func peer(_ db: Database, _ id: NodeID) throws -> Peer? {
        // Read through a cursor: the row is the statement's own, its columns found by name in one lookup each. It
        // is valid only inside the cursor's `next()`, so it is converted there.
        try Row.fetchCursor(db, cached: PeerRow.selectWithAcceptedSeq + " WHERE node_id = ?", arguments: [Data(id.bytes)])
            .compactMap(PeerRow.peer(from:)).next()
    }
}

extension PeerRegistry {
    /// The wire codes of the registry's refusals (SPEC §9) and the refusals more than one place throws. The kind
    /// of each decides the hub's HTTP status: a bad, expired or foreign token and a revoked node are forbidden
    /// (403), a used token or a second office node conflict (409), an unknown node or a replayed nonce are
    /// unauthenticated (401).
    public enum Refusal {
        public static let invalidToken: TambonError.Code = "invalid_token"
        public static let expiredToken: TambonError.Code = "expired_token"
        public static let usedToken: TambonError.Code = "used_token"
        public static let wrongOffice: TambonError.Code = "wrong_office"
        public static let officeNodeExists: TambonError.Code = "office_node_exists"
        public static let alreadyJoined: TambonError.Code = "already_joined"
        public static let unknownNode: TambonError.Code = "unknown_node"
        public static let revokedNode: TambonError.Code = "revoked_node"
        public static let replayedRequest: TambonError.Code = "replayed_request"

        public static let revokedThai = "เครื่องนี้ถูกเพิกถอนสิทธิ์แล้ว"
        public static let unknownThai = "เครื่องนี้ยังไม่ได้ลงทะเบียนกับศูนย์กลาง"

        /// `node` may no longer sync: the hub operator revoked it.
        public static func revoked(_ node: NodeID) -> TambonError {
            TambonError(.forbidden, revokedNode, "node \(node.short)… has been revoked by the hub operator", thai: revokedThai)
        }

        /// A request came from a node this hub does not know.
        public static func unknown(_ node: NodeID) -> TambonError {
            TambonError(
                .unauthenticated, unknownNode, "node \(node.short)… is not enrolled with this hub", thai: unknownThai, hint: "tambon node join")
        }

        /// A request carried a nonce its node used already (or one below it).
        public static func replayed(_ node: NodeID, nonce: Int64) -> TambonError {
            TambonError(
                .unauthenticated, replayedRequest, "request nonce \(nonce) was already used by node \(node.short)… (replayed request)",
                thai: "คำขอนี้เคยส่งมาแล้ว (ส่งซ้ำ)")
        }

        /// `node` is not enrolled with this hub (`hint`: what the operator should do).
        public static func notEnrolled(_ node: NodeID, hint: String) -> TambonError {
            TambonError(.unauthenticated, unknownNode, "node \(node.hex) is not enrolled with this hub", thai: unknownThai, hint: hint)
        }

        public static func unknownToken() -> TambonError {
            TambonError(
                .forbidden, invalidToken, "unknown enrolment token", thai: "ไม่รู้จักรหัสลงทะเบียนนี้",
                hint: "ask the hub operator for a new one (tambon hub token)")
        }

        public static func invalidArgument(_ english: String) -> TambonError {
            TambonError(.invalid, "invalid_argument", english)
        }
    }
}
