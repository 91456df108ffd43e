import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TambonReports
import TambonStore
import TambonSurveyApp
import TambonWebKit

/// Builds the hub's HTTPS application: the same function serves `tambon hub serve` and the tests.
/// `refreshReportsEvery`: run the report index's background refresh as a service of the application.
public enum HubServer {
    public static func makeApplication(
        store: any HubLog, tls: TLSConfiguration, host: String, port: Int, logger: Logger,
        bcryptCost: UInt8 = 12, refreshReportsEvery: Duration? = nil, idleTimeout: TimeAmount = HubServer.idleTimeout,
        limits: HubLimits = HubLimits(), banks: BankRegistry = BankRegistry(directory: nil),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        guard try await store.node() != nil else { throw StoreError.notInitialised }
        let index = try ReportIndex(store: store, logger: logger)
        // Request nonces are checked in memory and written behind, every 250 ms and at shutdown (SPEC §9).
        let nonces = NonceLedger(directory: store.registry, wallClock: store.configuration.wallClock, writeThrough: false)
        let router = try await makeRouter(
            store: store, index: index, logger: logger, bcryptCost: bcryptCost, limits: limits, banks: banks, nonces: nonces)
        var services: [any Service] = [NonceFlusher(ledger: nonces, logger: logger)]
        if let refreshReportsEvery { services.append(ReportRefresher(index: index, logger: logger, interval: refreshReportsEvery)) }
        return Application(
            router: router, server: try .tls(.http1(configuration: .init(idleTimeout: idleTimeout)), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "tambon-hub", backlog: listenBacklog),
            services: services, onServerRunning: onServerRunning, logger: logger)
    }

    /// Connections the kernel may hold for the hub before it accepts them (capped by `net.core.somaxconn`, 4,096 on
    /// current Linux). The morning after a regional outage a thousand offices connect at once: with Hummingbird's
    /// default of 256 the queue overflowed, the kernel dropped their SYNs, and every client caught in it waited
    /// for a retransmission, 1, 3, 7, 15 s (the national simulation's no-op syncs had a p99 of 2–15 s with a p90
    /// of 30–40 ms).
    public static let listenBacklog = 4_096

    /// A connection that sends no complete request head for this long is closed — between requests, and while a
    /// client dribbles its headers a byte at a time (slowloris) — so idle or slow sockets cannot pile up.
    public static let idleTimeout: TimeAmount = .seconds(30)

    /// Every route of the hub — the protocol's endpoints and the reports — with no server: what
    /// ``makeApplication(store:tls:host:port:logger:bcryptCost:refreshReportsEvery:onServerRunning:)`` serves, and
    /// what tests call in the same process.
    public static func makeRouter(
        store: any HubLog, index: ReportIndex, logger: Logger, bcryptCost: UInt8 = 12, limits: HubLimits = HubLimits(),
        banks: BankRegistry = BankRegistry(directory: nil), nonces: NonceLedger? = nil
    ) async throws -> Router<TambonRequestContext> {
        guard let hub = try await store.node() else { throw StoreError.notInitialised }
        // Every replica judges changes by the roster the hub publishes; after an upgrade it is published here first.
        let published = try await store.registry.publishRoster()
        if published > 0 { logger.notice("published roster entries", metadata: ["entries": "\(published)"]) }
        let router = Router(context: TambonRequestContext.self)
        router.add(middleware: PhoneCORS())
        router.add(middleware: ProtocolNotFound())
        let payments = PaymentDesk(store: store, banks: banks, logger: logger)
        HubController(store: store, hub: hub, logger: logger, limits: limits, payments: payments, nonces: nonces, reportIndex: index)
            .addRoutes(to: router)
        BankController(desk: payments, logger: logger).addRoutes(to: router)
        HubReportWeb(store: store, index: index, bcryptCost: bcryptCost).addRoutes(to: router)
        SurveyApp.addRoutes(to: router)
        return router
    }
}
