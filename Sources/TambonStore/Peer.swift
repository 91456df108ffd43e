import TambonCore

/// A node enrolled with the hub.
public struct Peer: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// The office's node: one active per office; it issues official numbers.
        case office
        /// A survey officer's laptop: belongs to an office and shares its scope.
        case survey
    }

    public let id: NodeID
    public let office: String
    public let role: Role
    public let name: String
    public let active: Bool
    public let enrolledMillis: Int64
    public let lastSeenMillis: Int64?
    /// The node's clock minus the hub's, as measured at its last request (ms).
    public let skewMillis: Int64?
    /// The node's highest seq the hub holds.
    public let acceptedSeq: Int64
    /// How many of its changes the authority rules refused (held in its chain, inert).
    public let refusedCount: Int
    /// For a revoked node: its last change the hub held at revocation; everything after it is refused.
    public let revokedAfterSeq: Int64?
    /// A survey phone's officer: the account at its office whose assigned work it holds (SPEC §11a). A node bound
    /// to an officer pulls only that work, never the office's feed.
    public var officer: String? = nil

    public init(
        id: NodeID, office: String, role: Role, name: String, active: Bool, enrolledMillis: Int64, lastSeenMillis: Int64?, skewMillis: Int64?,
        acceptedSeq: Int64, refusedCount: Int, revokedAfterSeq: Int64?, officer: String? = nil
    ) {
        self.id = id
        self.office = office
        self.role = role
        self.name = name
        self.active = active
        self.enrolledMillis = enrolledMillis
        self.lastSeenMillis = lastSeenMillis
        self.skewMillis = skewMillis
        self.acceptedSeq = acceptedSeq
        self.refusedCount = refusedCount
        self.revokedAfterSeq = revokedAfterSeq
        self.officer = officer
    }

    /// Whether this is a phone bound to one officer's assigned work.
    public var isPhone: Bool { officer != nil }
}
