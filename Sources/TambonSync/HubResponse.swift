import TambonCore
import TambonProtocol

/// The hub's answer to one request, read the same way whichever transport carried it.
public struct HubResponse: Sendable {
    public let members: [String: JSONValue]
    /// The hub's clock when it answered (ms), if it said.
    public let hubMillis: Int64?
    /// This node's clock halfway through the request (ms): with `hubMillis`, the skew estimate.
    public let localMidpointMillis: Int64
    /// Bytes sent and received on the wire (bodies only).
    public let sentBytes: Int
    public let receivedBytes: Int
    /// The body as received (decompressed), for answers that are not JSON (attachment chunks).
    public let body: [UInt8]
    /// The `Tambon-Chunk-SHA256` header of a chunk answer.
    public let chunkHash: String?

    /// An answer as a transport received it: status, headers and the body's bytes as they came.
    public struct Wire: Sendable {
        public let status: Int
        /// The status's reason phrase, the message of a refusal that says none.
        public let reason: String
        public let headers: [(String, String)]
        public let body: [UInt8]

        public init(status: Int, reason: String, headers: [(String, String)], body: [UInt8]) {
            self.status = status
            self.reason = reason
            self.headers = headers
            self.body = body
        }

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// The detail of a refusal's error that carries this node's skew measured from the refusal's `Tambon-Hub-Time`.
    public static let skewDetail = "measured_skew_ms"

    /// Reads `wire`: decompresses it, checks the protocol version, and throws a refusal as the ``TambonError`` it
    /// names, its kind read back from the HTTP status.
    public init(reading wire: Wire, sentBytes: Int, startedMillis: Int64, finishedMillis: Int64) throws {
        var bytes = wire.body
        if wire.header("Content-Encoding")?.lowercased() == "gzip" {
            do {
                bytes = try Gzip.decompress(bytes)
            } catch {
                throw TambonError(.badResponse, "malformed_body", "the hub's answer could not be decompressed")
            }
        }
        if let version = wire.header(SyncProtocol.Header.protocolVersion), version != String(SyncProtocol.version) {
            throw TambonError(
                .upgradeRequired, "upgrade_needed",
                "the hub speaks protocol \(version), this node \(SyncProtocol.version): upgrade needed")
        }
        let members = (try? SyncMessage.object(bytes)) ?? [:]
        let isJSON = wire.header("Content-Type")?.hasPrefix("application/json") ?? true
        // A time in range (an answer's header is input like any other: a skew is computed from it).
        let hubMillis = wire.header(SyncProtocol.Header.hubTime).flatMap { Int64($0) }.flatMap { (-(1 << 50)...(1 << 50)).contains($0) ? $0 : nil }
        let localMidpointMillis = startedMillis / 2 + finishedMillis / 2
        guard wire.status == 200 else {
            let code = members["error"]?.stringValue ?? "http_\(wire.status)"
            let message = members["message"]?.stringValue ?? wire.reason
            var details = members
            // A refusal still tells the time: a node whose changes are refused as `clock_skew` learns its skew from it.
            if let hubMillis { details[Self.skewDetail] = .number(Double(localMidpointMillis - hubMillis)) }
            throw TambonError(TambonError.Kind(httpStatus: wire.status), TambonError.Code(code), message, details: details)
        }
        guard !isJSON || !members.isEmpty || bytes == Array("{}".utf8) else {
            throw TambonError(.badResponse, "malformed_message", "the hub's answer is not a JSON object")
        }
        self.members = members
        self.hubMillis = hubMillis
        self.localMidpointMillis = localMidpointMillis
        self.sentBytes = sentBytes
        receivedBytes = wire.body.count
        body = bytes
        chunkHash = wire.header(SyncProtocol.Header.chunkHash)
    }
}
