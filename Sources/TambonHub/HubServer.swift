import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import TambonReports
import TambonStore
import TambonWeb

/// Builds the hub's HTTPS application: the same function serves `tambon hub serve` and the tests.
public enum HubServer {
    public static func makeApplication(
        store: Store, tls: TLSConfiguration, host: String, port: Int, logger: Logger,
        bcryptCost: UInt8 = 12, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        guard let hub = try await store.node() else { throw StoreError.notInitialised }
        let router = Router(context: BasicRequestContext.self)
        HubController(store: store, hub: hub, logger: logger).addRoutes(to: router)
        HubReportWeb(store: store, index: try ReportIndex(store: store), bcryptCost: bcryptCost).addRoutes(to: router)
        return Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "tambon-hub"),
            onServerRunning: onServerRunning, logger: logger)
    }
}
