import Foundation
import Hummingbird
import Logging
import NIOCore
import TambonCore
import TambonHub
import TambonStore
import TambonSync
import TambonTLS
import TambonTestSupport

/// A hub for a benchmark, in this process: its store under `directory/hub`, and its certificate; ``serve(banks:_:)``
/// serves it over HTTPS on a loopback port for the length of a body, then stops it and waits for it.
struct BenchHub {
    let directory: String
    let store: Store
    let material: TLSSetup.Material
    var caPEM: String { material.caCertificatePEM }

    init(directory: String) async throws {
        self.directory = directory
        material = try TLSSetup.generate(hubName: "bench hub", hostnames: [])
        try material.certificatePEM.write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try material.keyPEM.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        store = try DataDirectory(path: directory + "/hub").create(configuration: StoreConfiguration())
        try await store.initialiseNode(office: Store.hubOffice, name: "bench hub")
    }

    /// Serves the hub while `body` runs with its URL; however `body` ends, the hub is stopped and awaited.
    func serve<T: Sendable>(banks: BankRegistry = BankRegistry(directory: nil), _ body: (_ url: String) async throws -> T) async throws -> T {
        var logger = Logger(label: "bench.hub")
        logger.logLevel = .critical
        let port = PortBox()
        let app = try await HubServer.makeApplication(
            store: store, tls: try TLSSetup.serverConfiguration(certificatePath: directory + "/cert.pem", keyPath: directory + "/key.pem"),
            host: "127.0.0.1", port: 0, logger: logger, banks: banks
        ) { channel in port.set(channel.localAddress?.port ?? 0) }
        let server = Task { try await app.runService() }
        return try await withTeardown {
            try await body("https://127.0.0.1:\(try await port.wait())")
        } teardown: {
            server.cancel()
            _ = await server.result
        }
    }

    /// A new node of `office` under `directory/name`, enrolled with this hub at `url`. `durable: false` trades
    /// the last commits on power loss for speed, for nodes that only make up a crowd.
    func node(office: String, role: Peer.Role, url: String, name: String, durable: Bool = true) async throws -> Store {
        var configuration = StoreConfiguration()
        configuration.durableCommits = durable
        let node = try DataDirectory(path: directory + "/" + name).create(configuration: configuration)
        try await node.initialiseNode(office: office, name: name)
        try await NodeEnrolment.join(
            store: node, url: url, caPEM: caPEM, token: try await store.peers.createEnrolmentToken(office: office, role: role))
        return node
    }
}
