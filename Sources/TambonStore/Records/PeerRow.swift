import Foundation
import GRDB
import TambonCore

/// A row of `peers` (hub side): an enrolled node, its status, when it was last seen, the highest request nonce it
/// used and its measured clock skew.
struct PeerRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "peers"

    enum Columns: String, ColumnExpression {
        case nodeID = "node_id"
        case office
        case role
        case name
        case status
        case enrolledMillis = "enrolled_ms"
        case revokedMillis = "revoked_ms"
        case lastSeenMillis = "last_seen_ms"
        case lastNonce = "last_nonce"
        case skewMillis = "skew_ms"
        case legacySeq = "legacy_seq"
        case revokedAfterSeq = "revoked_after_seq"
        case officer
    }

    /// The values of `status`.
    static let active = "active"
    static let revoked = "revoked"

    /// Peers' rows with each node's accepted seq (its highest seq the hub holds) as the extra column
    /// `accepted_seq`, which ``peer(from:)`` reads; the caller adds `WHERE` or `ORDER BY`.
    static let selectWithAcceptedSeq = """
        SELECT peers.*, (SELECT IFNULL(MAX(seq), 0) FROM changes WHERE origin = peers.node_id) AS accepted_seq,
               (SELECT COUNT(*) FROM changes WHERE origin = peers.node_id AND refused IS NOT NULL) AS refused_count FROM peers
        """

    var nodeID: Data
    var office: String
    var role: String
    var name: String
    var status: String
    var enrolledMillis: Int64
    var revokedMillis: Int64?
    var lastSeenMillis: Int64?
    var lastNonce: Int64
    var skewMillis: Int64?
    var legacySeq: Int64
    var revokedAfterSeq: Int64?
    /// A phone's officer (SPEC §11a); nil for any other node.
    var officer: String?

    /// A newly enrolled, active node.
    init(enrolling node: NodeID, office: String, role: Peer.Role, name: String, officer: String? = nil, at now: Int64) {
        self.officer = officer
        nodeID = Data(node.bytes)
        self.office = office
        self.role = role.rawValue
        self.name = name
        status = Self.active
        enrolledMillis = now
        lastNonce = 0
        legacySeq = 0
    }

    init(row: Row) throws {
        nodeID = row[Columns.nodeID]
        office = row[Columns.office]
        role = row[Columns.role]
        name = row[Columns.name]
        status = row[Columns.status]
        enrolledMillis = row[Columns.enrolledMillis]
        revokedMillis = row[Columns.revokedMillis]
        lastSeenMillis = row[Columns.lastSeenMillis]
        lastNonce = row[Columns.lastNonce]
        skewMillis = row[Columns.skewMillis]
        legacySeq = row[Columns.legacySeq]
        revokedAfterSeq = row[Columns.revokedAfterSeq]
        officer = row[Columns.officer]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.nodeID] = nodeID
        container[Columns.office] = office
        container[Columns.role] = role
        container[Columns.name] = name
        container[Columns.status] = status
        container[Columns.enrolledMillis] = enrolledMillis
        container[Columns.revokedMillis] = revokedMillis
        container[Columns.lastSeenMillis] = lastSeenMillis
        container[Columns.lastNonce] = lastNonce
        container[Columns.skewMillis] = skewMillis
        container[Columns.legacySeq] = legacySeq
        container[Columns.revokedAfterSeq] = revokedAfterSeq
        container[Columns.officer] = officer
    }

    /// The node as the hub publishes it in the roster; nil if its id or role is malformed.
    var rosterEntry: RosterEntry? {
        guard let id = NodeID(bytes: Array(nodeID)), let role = NodeRole(rawValue: role), role != .hub else { return nil }
        return RosterEntry(
            enrolment: Enrolment(node: id, office: office, role: role, revokedAfterSeq: revokedAfterSeq, legacySeq: legacySeq),
            name: name, enrolledMillis: enrolledMillis, revokedMillis: revokedMillis)
    }

    /// The public view of a row read with ``selectWithAcceptedSeq``; nil if its node id is malformed.
    static func peer(from row: Row) throws -> Peer? {
        let peer = try PeerRow(row: row)
        guard let id = NodeID(bytes: Array(peer.nodeID)) else { return nil }
        return Peer(
            id: id, office: peer.office, role: Peer.Role(rawValue: peer.role) ?? .survey, name: peer.name,
            active: peer.status == Self.active, enrolledMillis: peer.enrolledMillis, lastSeenMillis: peer.lastSeenMillis,
            skewMillis: peer.skewMillis, acceptedSeq: row["accepted_seq"],
            refusedCount: row["refused_count"], revokedAfterSeq: peer.revokedAfterSeq, officer: peer.officer)
    }
}
