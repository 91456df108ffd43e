import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import TambonCore
import TambonOffice
import TambonStore
import TambonSync
import TambonWeb
import TambonWebKit

/// The node's HTTP server — its health and sync state, the web app (JSON API and pages) — with the background
/// sync loop as a service of the same application.
public enum NodeServer {
    public static func makeApplication(
        store: Store, host: String, port: Int, logger: Logger, syncLoop: SyncLoop? = nil, bcryptCost: UInt8 = 12,
        tls: TLSConfiguration? = nil, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        let catalog: ServiceCatalog
        do {
            catalog = try await OfficeSettings.load(from: store)
        } catch let error as OfficeError {
            // Settings this version cannot read (a newer version's, or damaged) must not keep the office's node from
            // starting: it serves with the standard settings, and says so, until `tambon node settings` writes them
            // whole again.
            logger.error(
                "the office's settings cannot be read; serving with the standard settings until they are saved again",
                metadata: ["reason": "\(error.code)", "fix": "tambon node settings --data DIR --set settings.json"])
            catalog = ServiceCatalog()
        }
        // Applications made before protocol 2 have ids with no office part, which nobody may write any more: the
        // office node copies them into its namespace once (idempotent; survey nodes leave it to the office node).
        do {
            let copied = try await ApplicationBook(store: store, catalog: catalog).migrateLegacyApplications()
            if copied > 0 { logger.notice("copied applications into the office's namespace", metadata: ["applications": "\(copied)"]) }
        } catch let error as ClockAheadError {
            // Writes wait for the clock to be set right; the node serves (and syncs) meanwhile, and copies next start.
            logger.error(
                "this machine's clock is ahead of the hub's: local writes are refused until it is set right", metadata: ["error": "\(error)"])
        }
        let router = Router(context: TambonRequestContext.self)
        router.get("/health") { _, _ -> Response in
            let link = try await store.hubLink()
            var members: [String: JSONValue] = [
                "node": .string(node.id.hex), "office": .string(node.office),
                "pending": .number(Double(try await store.pendingCount())),
            ]
            // Public: whether it syncs and how far behind, never where the hub is or what went wrong (that is for
            // `tambon node status` and the logs).
            members["enrolled"] = .bool(link != nil)
            members["last_sync_ms"] = link?.lastSuccessMillis.map { .number(Double($0)) } ?? .null
            members["sync_failing"] = .bool(link?.lastError != nil)
            members["skew_ms"] = link?.skewMillis.map { .number(Double($0)) } ?? .null
            if case .ahead = try await store.clockVerdict() { members["clock_ahead"] = true } else { members["clock_ahead"] = false }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(.object(members)))))
        }
        var web = OfficeWeb(store: store, node: node, catalog: catalog, bcryptCost: bcryptCost, secureCookies: tls != nil)
        web.phoneTokens = { officer in try await PhoneTokenRequest.token(store: store, officer: officer) }
        web.addRoutes(to: router)
        return Application(
            router: router,
            // A connection with no complete request head for 30 s is closed: idle sockets and slowloris do not pile up.
            server: try tls.map { try .tls(.http1(configuration: .init(idleTimeout: .seconds(30))), tlsConfiguration: $0) }
                ?? .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(host, port: port), serverName: "tambon-node"),
            services: syncLoop.map { [$0] } ?? [], onServerRunning: onServerRunning, logger: logger)
    }
}
