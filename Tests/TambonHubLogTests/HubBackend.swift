import Foundation
import Logging
import TambonCore
import TambonPostgres
import TambonStore

/// The hub backends the conformance suite runs against: the embedded SQLite store always, PostgreSQL when
/// `TAMBON_TEST_POSTGRES` names a server (`postgres://USER@/DB?host=DIR`; `scripts/test` starts a throwaway one and
/// sets `TAMBON_REQUIRE_POSTGRES=1`, so CI cannot skip it). Each test gets a database of its own.
enum HubBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    var description: String { rawValue }

    static var server: DatabaseSettings? {
        ProcessInfo.processInfo.environment["TAMBON_TEST_POSTGRES"].flatMap { try? DatabaseSettings(url: $0) }
    }

    /// The backends this run can reach.
    static var available: [HubBackend] { server == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh hub on this backend for `body`: initialised, with the standard authority rules and a clock the test
    /// can move; the PostgreSQL database is dropped afterwards.
    func withHub<T: Sendable>(
        clock: @escaping @Sendable () -> Int64 = { 1_800_000_000_000 }, _ body: (any HubLog) async throws -> T
    ) async throws -> T {
        var configuration = StoreConfiguration()
        configuration.wallClock = clock
        configuration.host = "test-host"
        switch self {
        case .sqlite:
            let store = try Store.inMemory(configuration: configuration)
            try await store.initialiseNode(office: Store.hubOffice, name: "test hub")
            return try await body(store)
        case .postgres:
            guard let server = Self.server else { throw TambonError(.unavailable, "no_postgres", "TAMBON_TEST_POSTGRES is not set") }
            var quiet = Logger(label: "test.postgres")
            quiet.logLevel = .critical
            return try await PostgresStore.withScratchDatabase(server: server, logger: quiet) { settings in
                try await PostgresStore.withStore(settings: settings, configuration: configuration, logger: quiet) { store in
                    try await store.initialiseNode(name: "test hub")
                    return try await body(store)
                }
            }
        }
    }
}
