import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TambonCore
import TambonProtocol

/// The node's HTTPS transport to its hub. The hub's CA certificate is the only trust root (the hub is pinned);
/// connect and read timeouts and body caps apply to every request.
public final class HubClient: HubTransport {
    public let baseURL: String
    private let http: HTTPClient
    /// Request sizes adapted to this link (kept across rounds, since the client lives as long as the link).
    public let sizing: LinkSizing

    /// `maximumPushChanges` caps push batches below the protocol's limit (tests use it to get many batches).
    public init(
        url: String, caPEM: String, connectTimeout: TimeAmount = .seconds(10), readTimeout: TimeAmount = .seconds(60),
        maximumPushChanges: Int = SyncProtocol.maximumPushChanges
    ) throws {
        sizing = LinkSizing(maximumPushChanges: maximumPushChanges)
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

    public func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire {
        try await Self.exchange(request, over: http, baseURL: baseURL, deadline: deadline)
    }

    /// Carries `request` to the hub at `baseURL` over `http`: one place for the bytes on the wire, whichever client
    /// owns the connections (a node's own, or a pool many simulated offices share).
    public static func exchange(_ request: HubRequest, over http: HTTPClient, baseURL: String, deadline: TimeAmount) async throws -> HubResponse.Wire
    {
        var outgoing = HTTPClientRequest(url: baseURL + request.path)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if request.method != "GET" { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        do {
            let response = try await http.execute(outgoing, timeout: deadline)
            var body = try await response.body.collect(upTo: SyncProtocol.maximumWireBytes)
            return HubResponse.Wire(
                status: Int(response.status.code), reason: response.status.reasonPhrase,
                headers: response.headers.map { ($0.name, $0.value) }, body: body.readBytes(length: body.readableBytes) ?? [])
        } catch let error as TambonError {
            throw error
        } catch {
            throw TambonError(.unavailable, "transport", "cannot reach the hub: " + Self.describe(error), cause: error)
        }
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
