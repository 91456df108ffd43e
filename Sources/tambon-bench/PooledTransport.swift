import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync

/// A transport that many simulated offices share: one HTTP client whose pool keeps its TLS connections open
/// across requests, so a sync pays for a handshake only when the pool opens a connection. (7,850 `HubClient`s,
/// one client each, would be 7,850 pools.)
final class PooledTransport: HubTransport {
    let sizing = LinkSizing()
    let baseURL: String
    private let http: HTTPClient
    /// As many requests in flight as the pool has connections; the rest wait in the gate, not in the pool's queue.
    /// That queue is scanned to remove a request whose deadline passes: with the bank's confirmations queued there
    /// by the thousand, it cost the benchmark most of a core (`HTTPConnectionPool.RequestQueue.remove` and
    /// retain/release were 70 % of its samples), taken from the hub it measures on the same two cores.
    private let gate: TurnGate

    /// A pool of up to `connections` connections to the hub at `url`, trusting only its CA.
    init(url: String, caPEM: String, connections: Int) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: .seconds(120), read: .seconds(600)))
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(600), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        baseURL = url
        gate = TurnGate(permits: max(1, connections))
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire {
        try await gate.inTurn { try await HubClient.exchange(request, over: http, baseURL: baseURL, deadline: deadline) }
    }

    /// A plain request (the report API), answered with its status, headers and body.
    func execute(_ request: HTTPClientRequest, deadline: TimeAmount) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        try await gate.inTurn {
            let response = try await http.execute(request, timeout: deadline)
            return (response.status, response.headers, try await response.body.collect(upTo: 64 << 20))
        }
    }
}
