import TambonCore

/// A node's enrolment with its hub.
public struct HubLink: Sendable, Equatable {
    public let url: String
    /// The hub's CA certificate (PEM): the only trust root for connections to the hub.
    public let caPEM: String
    public let hubID: NodeID
    public let role: String
    public let joinedMillis: Int64
    public let lastSuccessMillis: Int64?
    public let lastError: String?
    public let lastErrorMillis: Int64?
    /// This node's clock minus the hub's, as last measured (ms).
    public let skewMillis: Int64?
}
