import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import Synchronization
import TambonCore
import TambonHub
import TambonProtocol
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTLS
import TambonTestSupport

/// Runs `body` against a real hub (see ``HubFixture``) and stops it once the body has returned or thrown — the
/// server cancelled and awaited, every node client it enrolled shut down, its directory removed — rethrowing the
/// body's error.
@discardableResult
func withHub<Result>(
    clock: ManualClock = ManualClock(), idleTimeout: TimeAmount = HubServer.idleTimeout, limits: HubLimits = HubLimits(),
    _ body: (HubFixture) async throws -> Result
) async throws -> Result {
    let hub = try await HubFixture(clock: clock, idleTimeout: idleTimeout, limits: limits)
    return try await withTeardown {
        try await body(hub)
    } teardown: {
        await hub.stop()
    }
}

/// Runs `body` with `client`, then shuts the client down — awaited — whether the body returned or threw.
@discardableResult
func withHubClient<Result>(_ client: HubClient, _ body: (HubClient) async throws -> Result) async throws -> Result {
    try await withTeardown {
        try await body(client)
    } teardown: {
        await client.shutdown()
    }
}

/// A real hub over TLS on a free loopback port, in this process; made and stopped by ``withHub(clock:_:)``.
final class HubFixture: @unchecked Sendable {
    let store: Store
    let clock: ManualClock
    private(set) var url = ""
    private(set) var port = 0
    let caPEM: String
    private var server: Task<Void, any Error>?
    private let directory: String
    /// The clients of the nodes made by ``node(office:role:clock:)``, shut down by ``stop()``.
    private let nodeClients = Mutex<[HubClient]>([])

    private let idleTimeout: TimeAmount
    private let limits: HubLimits

    fileprivate init(clock: ManualClock, idleTimeout: TimeAmount, limits: HubLimits) async throws {
        self.limits = limits
        self.clock = clock
        self.idleTimeout = idleTimeout
        directory = temporaryDirectory("tambon-hub")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let material = try TLSSetup.generate(hubName: "test hub", hostnames: [])
        try material.certificatePEM.write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try material.keyPEM.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        caPEM = material.caCertificatePEM
        store = try Store.inMemory(configuration: clock.configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "test hub")
        try await start()
    }

    /// Starts serving the same store (on a new port).
    func start() async throws {
        let tls = try TLSSetup.serverConfiguration(certificatePath: directory + "/cert.pem", keyPath: directory + "/key.pem")
        var logger = Logger(label: "test.hub")
        logger.logLevel = .critical
        let box = PortBox()
        let app = try await HubServer.makeApplication(
            store: store, tls: tls, host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout, limits: limits
        ) { channel in
            box.set(channel.localAddress?.port ?? 0)
        }
        server = Task { try await app.runService() }
        port = try await box.wait()
        url = "https://127.0.0.1:\(port)"
    }

    /// Stops serving (in-flight requests are cut), keeping the store: a hub restart.
    func halt() async {
        server?.cancel()
        _ = await server?.result
        server = nil
    }

    /// The changes nodes pushed that the hub holds (its own roster entries left out).
    func pushedChanges() async throws -> Int64 {
        try await store.peers.all().reduce(0) { $0 + $1.acceptedSeq }
    }

    /// `GET /metrics` over the fixture's TLS.
    func metricsText() async throws -> String {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        return try await HTTPClient.withHTTPClient(configuration: .init(tlsConfiguration: tls)) { http in
            let response = try await http.execute(HTTPClientRequest(url: url + "/metrics"), timeout: .seconds(10))
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }
    }

    /// Shuts down the nodes' clients, then stops serving and removes the hub's files.
    fileprivate func stop() async {
        for client in nodeClients.withLock({ $0 }) { await client.shutdown() }
        await halt()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A new node of `office`, enrolled with a fresh token of `role`; its client is shut down when the hub stops.
    func node(office: String, role: Peer.Role = .office, clock: ManualClock? = nil) async throws -> TestNode {
        let store = try Store.inMemory(configuration: (clock ?? self.clock).configuration)
        try await store.initialiseNode(office: office, name: "node of \(office)")
        let token = try await self.store.peers.createEnrolmentToken(office: office, role: role)
        try await NodeEnrolment.join(store: store, url: url, caPEM: caPEM, token: token)
        let node = try await TestNode(store: store, hub: self)
        nodeClients.withLock { $0.append(node.client) }
        return node
    }
}

/// A node with its client to the fixture's hub.
struct TestNode: Sendable {
    let store: Store
    let info: NodeInfo
    let client: HubClient
    let hubID: NodeID

    init(store: Store, hub: HubFixture) async throws {
        self.store = store
        info = try await store.node()!
        client = try HubClient(url: hub.url, caPEM: hub.caPEM)
        hubID = try await hub.store.node()!.id
    }

    /// Signs as this node, with its store's nonce counter.
    var signer: RequestSigner { .store(store, node: info.id, hub: hubID) }

    @discardableResult
    func sync() async throws -> SyncReport {
        try await SyncEngine(store: store, transport: client, logger: quietLogger).round(deadline: .seconds(30))
    }

    /// A signed request with an arbitrary body, as a misbehaving node would send it.
    func send(
        _ path: String, _ body: JSONValue, nonce: Int64? = nil, protocolVersion: String = String(SyncProtocol.version)
    ) async throws -> HubResponse {
        let n: Int64
        if let nonce { n = nonce } else { n = try await store.nextCounterValue(Store.CursorName.requestNonce) }
        return try await client.send(
            path, bytes: SyncMessage.encode(body), signer: signer, nonce: n,
            protocolVersion: protocolVersion)
    }
}
