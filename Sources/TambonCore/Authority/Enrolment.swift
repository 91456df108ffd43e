/// What the authority rules know of a change's writer: the node's office and role as the hub enrolled it, and the
/// marks that bound which of its changes the current rules judge.
///
/// Every replica reads it from the hub-signed roster records (collection `nodes`), the hub from its own, so each
/// one decides with the same facts (SPEC §15).
public struct Enrolment: Sendable, Equatable {
    public let node: NodeID
    public let office: String
    public let role: NodeRole
    /// Set once the node is revoked: the highest seq the hub held from it then. Its later changes are refused.
    public let revokedAfterSeq: Int64?
    /// Changes up to this seq were accepted under protocol 1, before authority rules existed (0: none). They are
    /// judged by protocol 1's rule only, so an upgraded hub and a replica restored from it keep the same history.
    public let legacySeq: Int64

    public init(node: NodeID, office: String, role: NodeRole, revokedAfterSeq: Int64? = nil, legacySeq: Int64 = 0) {
        self.node = node
        self.office = office
        self.role = role
        self.revokedAfterSeq = revokedAfterSeq
        self.legacySeq = legacySeq
    }

    /// The hub's own node: it may write any record.
    public static func hub(_ node: NodeID) -> Enrolment {
        Enrolment(node: node, office: hubOffice, role: .hub)
    }

    /// The office code of the hub's own scope (its operators' accounts): no node is ever enrolled into it.
    public static let hubOffice = "hub"
}
