import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
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
    /// Each exchange's timing, while recording.
    let log = ExchangeLog()

    /// The event loop this pool has to itself, if any (shut down with it).
    private let ownLoop: MultiThreadedEventLoopGroup?

    /// A pool of up to `connections` connections to the hub at `url`, trusting only its CA.
    ///
    /// `ownEventLoop`: the pool's connections run on an event loop thread of their own, not on the process's shared
    /// group. The simulated parties are separate machines: on the shared group, the offices' no-op syncs queued in
    /// this process behind the 1,000 outage offices' TLS handshakes and 74 MB of bodies being encrypted and sent,
    /// and that wait (1.3 s of a 1.4 s sync, the hub's own share 44 ms) was counted as the hub's latency.
    init(url: String, caPEM: String, connections: Int, ownEventLoop: Bool = false) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: .seconds(120), read: .seconds(600)))
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(600), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        ownLoop = ownEventLoop ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        http = HTTPClient(eventLoopGroupProvider: ownLoop.map { .shared($0) } ?? .singleton, configuration: configuration)
        baseURL = url
        gate = TurnGate(permits: max(1, connections))
    }

    func shutdown() async {
        try? await http.shutdown()
        try? await ownLoop?.shutdownGracefully()
    }

    func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire {
        guard log.isRecording else {
            return try await gate.inTurn { try await HubClient.exchange(request, over: http, baseURL: baseURL, deadline: deadline) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (admitted, wire) = try await gate.inTurn {
            (clock.now, try await HubClient.exchange(request, over: http, baseURL: baseURL, deadline: deadline))
        }
        let end = clock.now
        log.append(
            .init(
                start: start, gateMillis: (admitted - start).seconds * 1_000, totalMillis: (end - start).seconds * 1_000,
                hubMillis: ExchangeLog.hubMillis(wire.header("Server-Timing"))))
        return wire
    }

    /// A plain request (the report API), answered with its status, headers and body.
    func execute(_ request: HTTPClientRequest, deadline: TimeAmount) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        try await gate.inTurn {
            let response = try await http.execute(request, timeout: deadline)
            return (response.status, response.headers, try await response.body.collect(upTo: 64 << 20))
        }
    }
}
