import TambonProtocol

/// One request to the hub as it goes on the wire, whichever transport carries it: the method, the path, every
/// header (the protocol's, the signature's) and the body.
public struct HubRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// A request with the headers every request carries: the protocol version, this software's version, and that
    /// the answer may come compressed.
    public init(method: String, path: String, body: [UInt8] = [], protocolVersion: String = String(SyncProtocol.version)) {
        self.method = method
        self.path = path
        self.body = body
        headers = [
            (SyncProtocol.Header.protocolVersion, protocolVersion), (SyncProtocol.Header.software, SyncProtocol.softwareVersion),
            ("Accept-Encoding", "gzip"),
        ]
    }
}
