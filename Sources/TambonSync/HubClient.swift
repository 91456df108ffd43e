import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TambonCore
import TambonProtocol
import TambonStore

/// The node's HTTPS client to its hub. The hub's CA certificate is the only trust root (the hub is pinned);
/// connect and read timeouts and body caps apply to every request.
public final class HubClient: Sendable {
    public struct Response: Sendable {
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
    }

    public let baseURL: String
    private let http: HTTPClient
    /// Request sizes adapted to this link (kept across rounds, since the client lives as long as the link).
    public let pushSizing: BatchSizing
    public let pullSizing = BatchSizing(maximum: SyncProtocol.maximumPullChanges)
    /// Attachment chunk sizes (bytes), halved after a cut so a link that drops every few hundred kilobytes still
    /// moves files.
    public let chunkSizing = BatchSizing(maximum: AttachmentStore.maximumChunk)

    /// `maximumPushChanges` caps push batches below the protocol's limit (tests use it to get many batches).
    public init(
        url: String, caPEM: String, connectTimeout: TimeAmount = .seconds(10), readTimeout: TimeAmount = .seconds(60),
        maximumPushChanges: Int = SyncProtocol.maximumPushChanges
    ) throws {
        pushSizing = BatchSizing(maximum: min(max(1, maximumPushChanges), SyncProtocol.maximumPushChanges))
        guard let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil else {
            throw TambonError(.invalid, "invalid_url", "the hub address must be https://HOST:PORT, not \(url)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        } catch {
            throw TambonError(.invalid, "invalid_ca", "the hub's CA certificate is not valid PEM: \(error)")
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: readTimeout))
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// The hub's id and protocol version (no authentication).
    public func hello(deadline: TimeAmount = .seconds(30)) async throws -> (hub: NodeID, protocolVersion: Int) {
        var request = HTTPClientRequest(url: baseURL + SyncProtocol.Path.hello)
        request.method = .GET
        let response = try await execute(request, deadline: deadline)
        guard let hub = response.members["hub"]?.stringValue.flatMap(NodeID.init(hex:)) else {
            throw TambonError(.badResponse, "malformed_message", "the hub did not say who it is")
        }
        return (hub, Int(response.members["protocol"]?.numberValue ?? 0))
    }

    /// A signed POST of `body` (compressed when large): the node proves it holds its key; the nonce makes each
    /// request unique so a captured one cannot be replayed.
    public func post(
        _ path: String, body: JSONValue, store: Store, node: NodeID, hub: NodeID, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> Response {
        try await post(path, body: try Self.encode(body), store: store, node: node, hub: hub, nonce: nonce, deadline: deadline)
    }

    /// A signed POST of a JSON body already encoded by ``encode(_:)``.
    public func post(
        _ path: String, body: EncodedBody, store: Store, node: NodeID, hub: NodeID, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> Response {
        try await post(path, bytes: body.bytes, contentType: "application/json", contentEncoding: body.encoding, store: store, node: node,
                       hub: hub, nonce: nonce, deadline: deadline)
    }

    /// A JSON body as it goes on the wire: gzip-compressed when it is large enough to gain from it.
    public struct EncodedBody: Sendable {
        public let bytes: [UInt8]
        /// The `Content-Encoding` (nil: sent as is).
        public let encoding: String?
    }

    public static func encode(_ body: JSONValue) throws -> EncodedBody {
        try encode(bytes: SyncMessage.encode(body))
    }

    /// A JSON body already written out (``TambonCore/ChangeBatchWriter``).
    public static func encode(bytes: [UInt8]) throws -> EncodedBody {
        guard bytes.count > 512 else { return EncodedBody(bytes: bytes, encoding: nil) }
        return EncodedBody(bytes: try Gzip.compress(bytes), encoding: "gzip")
    }

    /// A signed POST of raw bytes (an attachment chunk), with the same nonce handling. `nonce` is one the caller
    /// drew from ``Store/nextCounterValue(_:)`` in advance (to send while the store's writer is busy); nil draws one.
    public func post(
        _ path: String, bytes: [UInt8], contentType: String, contentEncoding: String? = nil, headers: [(String, String)] = [],
        store: Store, node: NodeID, hub: NodeID, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> Response {
        let drawn: Int64
        if let nonce {
            drawn = nonce
        } else {
            drawn = try await store.nextCounterValue(Store.CursorName.requestNonce)
        }
        let nonce = drawn
        do {
            return try await send(path, bytes: bytes, contentType: contentType, contentEncoding: contentEncoding, headers: headers, store: store,
                                  node: node, hub: hub, nonce: nonce, deadline: deadline)
        } catch let failure as TambonError where failure.code == "replayed_request" {
            // Another process on the same directory (a manual sync beside `node serve`) used a higher nonce that
            // reached the hub first, or this directory's counter is behind: move past the hub's and send again, once.
            if let last = failure.details["last_nonce"]?.numberValue {
                try await store.advanceCounter(Store.CursorName.requestNonce, to: Int64(last))
            }
            let fresh = try await store.nextCounterValue(Store.CursorName.requestNonce)
            return try await send(path, bytes: bytes, contentType: contentType, contentEncoding: contentEncoding, headers: headers, store: store,
                                  node: node, hub: hub, nonce: fresh, deadline: deadline)
        }
    }

    /// Sends `bytes` as they are, signed with `nonce` (tests use it to send what a well-behaved node would not).
    public func send(
        _ path: String, bytes: [UInt8], contentType: String = "application/json", contentEncoding: String? = nil, headers: [(String, String)] = [],
        store: Store, node: NodeID, hub: NodeID, nonce: Int64,
        deadline: TimeAmount = .seconds(30), protocolVersion: String = String(SyncProtocol.version)
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if let contentEncoding { request.headers.add(name: "Content-Encoding", value: contentEncoding) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let signature = try await store.sign(SyncProtocol.signingMessage(method: "POST", path: path, hub: hub, nonce: nonce, body: bytes))
        request.headers.add(name: SyncProtocol.Header.node, value: node.hex)
        request.headers.add(name: SyncProtocol.Header.nonce, value: String(nonce))
        request.headers.add(name: SyncProtocol.Header.signature, value: Hex.encode(signature))
        request.headers.add(name: SyncProtocol.Header.time, value: String(store.configuration.wallClock()))
        request.body = .bytes(ByteBuffer(bytes: bytes))
        return try await execute(request, deadline: deadline, sent: bytes.count, clock: store.configuration.wallClock,
                                 protocolVersion: protocolVersion)
    }

    private func execute(
        _ request: HTTPClientRequest, deadline: TimeAmount, sent: Int = 0,
        clock: @Sendable () -> Int64 = StoreConfiguration.systemMillis, protocolVersion: String = String(SyncProtocol.version)
    ) async throws -> Response {
        var request = request
        request.headers.add(name: SyncProtocol.Header.protocolVersion, value: protocolVersion)
        request.headers.add(name: SyncProtocol.Header.software, value: SyncProtocol.softwareVersion)
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        let started = clock()
        let response: HTTPClientResponse
        var body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: deadline)
            body = try await response.body.collect(upTo: SyncProtocol.maximumWireBytes)
        } catch let error as TambonError {
            throw error
        } catch {
            throw TambonError(.unavailable, "transport", "cannot reach the hub: " + Self.describe(error), cause: error)
        }
        let finished = clock()
        let received = body.readableBytes
        var bytes = body.readBytes(length: body.readableBytes) ?? []
        if response.headers.first(name: "Content-Encoding")?.lowercased() == "gzip" {
            do {
                bytes = try Gzip.decompress(bytes)
            } catch {
                throw TambonError(.badResponse, "malformed_body", "the hub's answer could not be decompressed")
            }
        }
        if let version = response.headers.first(name: SyncProtocol.Header.protocolVersion), version != String(SyncProtocol.version) {
            throw TambonError(.upgradeRequired, "upgrade_needed",
                "the hub speaks protocol \(version), this node \(SyncProtocol.version): upgrade needed")
        }
        let members = (try? SyncMessage.object(bytes)) ?? [:]
        let isJSON = response.headers.first(name: "Content-Type")?.hasPrefix("application/json") ?? true
        guard response.status == .ok else {
            let code = members["error"]?.stringValue ?? "http_\(response.status.code)"
            let message = members["message"]?.stringValue ?? response.status.reasonPhrase
            throw TambonError(TambonError.Kind(httpStatus: Int(response.status.code)), TambonError.Code(code), message, details: members)
        }
        guard !isJSON || !members.isEmpty || bytes == Array("{}".utf8) else {
            throw TambonError(.badResponse, "malformed_message", "the hub's answer is not a JSON object")
        }
        return Response(
            members: members, hubMillis: response.headers.first(name: SyncProtocol.Header.hubTime).flatMap { Int64($0) },
            localMidpointMillis: (started + finished) / 2, sentBytes: sent, receivedBytes: received, body: bytes,
            chunkHash: response.headers.first(name: SyncProtocol.Header.chunkHash))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "\(error)"
            }
        }
        if let error = error as? NIOSSLError { return "TLS failed (is --ca the hub's hub-ca.pem?): \(error)" }
        let text = "\(error)"
        if text.contains("Connection refused") { return "connection refused (is the hub running, and is the address right?)" }
        if text.contains("No route to host") || text.contains("Network is unreachable") { return "no network route to the hub" }
        return text
    }
}
