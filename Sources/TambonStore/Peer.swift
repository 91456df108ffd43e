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

    /// Whether this is a phone bound to one officer's assigned work.
    public var isPhone: Bool { officer != nil }
}
