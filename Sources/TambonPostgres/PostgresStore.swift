import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import TambonCore
import TambonStore

/// The hub's replicated log on PostgreSQL: the same changes, feed, merged state, roster and peers as the embedded
/// SQLite store (``TambonStore/Store``), for a hub that outgrows one machine's SQLite (ARCHITECTURE.md, "The hub
/// on PostgreSQL"). Both are ``TambonStore/HubLog``s and pass the same conformance suite.
///
/// Every write to the log runs in one transaction that first locks the `arrival` counter, so log writers are
/// serialised as SQLite's single writer is: arrival numbers and feed positions commit in the order they were
/// taken, and a puller's cursor never passes a position still to commit. Batches are written set-wise (one
/// statement for every table, arrays bound as parameters), so a push costs a handful of round trips, not one per
/// change.
public final class PostgresStore: Sendable {
    public let configuration: StoreConfiguration
    public let settings: DatabaseSettings
    /// The hub's data directory (TLS files, attachments, the report index), or nil: attachments in a temporary
    /// directory and projections in memory (tests).
    public let directory: String?
    public let attachments: AttachmentStore
    /// The readers' pool (feed pages, records, the register, rehearsals).
    let client: PostgresClient
    /// The log's writers' pool (``writerConnections``): a writer holds its connection while it waits for the
    /// arrival counter's lock, so writers queue here and never hold a reader's connection.
    let writers: PostgresClient
    /// Told how long each lease waited (``TambonStore/HubLog/observeConnectionWaits(_:)``).
    private let waitObserver = Mutex<WaitObserver?>(nil)

    /// The observer in a class, never a bare closure in the `Mutex`: a function value read through
    /// `Mutex.withLock` (an `inout` of a generic value) is reabstracted there and back, and the write-back wraps the
    /// stored closure in two more thunks on every read. The first build did that: after tens of thousands of leases
    /// each call walked a chain that deep, three quarters of the hub's CPU in the national run (perf).
    private final class WaitObserver: Sendable {
        let call: @Sendable (ConnectionPool, Duration) -> Void
        init(_ call: @escaping @Sendable (ConnectionPool, Duration) -> Void) { self.call = call }
    }
    let logger: Logger
    /// Batch applies take their turn at the arrival counter's lock one at a time (``TambonStore/TurnGate``).
    let applyQueue = TurnGate()
    /// The thread the log's writers run on while they hold its lock (``TambonStore/WriterExecutor``).
    let writerExecutor = WriterExecutor(label: "tambon.postgres.writer")

    /// The hub's office code, as on SQLite.
    public static let hubOffice = Enrolment.hubOffice

    /// Connections in the writers' pool. A push holds one while it waits for its turn, and the hub lets 4 pushes
    /// write at a time (`NodeRequestLimiter.maximumWrites`): the other 4 serve the small writes (a bank's
    /// confirmation, an enrolment), which wait in the counter's lock as they would on any connection.
    public static let writerConnections = 8

    private init(
        client: PostgresClient, writers: PostgresClient, settings: DatabaseSettings, configuration: StoreConfiguration, directory: String?,
        logger: Logger
    ) {
        self.client = client
        self.writers = writers
        self.settings = settings
        self.configuration = configuration
        self.directory = directory
        attachments = AttachmentStore(
            root: directory.map { $0 + "/attachments" } ?? NSTemporaryDirectory() + "tambon-attachments-" + UUID().uuidString)
        self.logger = logger
    }

    /// Where a projection keeps its database file: in the hub's data directory, or in memory without one.
    public func projectionPath(_ name: String) -> String? {
        directory.map { $0 + "/" + name }
    }

    /// Connects to the database, brings its schema up to date (``PostgresMigrator``), runs `body` with the store
    /// and then closes every connection: the store lives exactly as long as `body`.
    public static func withStore<Result: Sendable>(
        settings: DatabaseSettings, configuration: StoreConfiguration = .init(), directory: String? = nil,
        logger: Logger = Logger(label: "tambon.postgres"),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (PostgresStore) async throws -> Result
    ) async throws -> Result {
        // The pool's own messages at errors only: a lease taken while `run()` is still starting is a warning there,
        // and it is served as soon as the pool runs.
        var background = logger
        background.logLevel = max(.error, logger.logLevel)
        let client = PostgresClient(configuration: try settings.clientConfiguration(environment: environment), backgroundLogger: background)
        var writing = try settings.clientConfiguration(environment: environment, role: "writer")
        writing.options.maximumConnections = writerConnections
        let writers = PostgresClient(configuration: writing, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { await writers.run() }
            defer { group.cancelAll() }
            let store = PostgresStore(
                client: client, writers: writers, settings: settings, configuration: configuration, directory: directory, logger: logger)
            try await store.database { try await PostgresMigrator.migrate($0, logger: logger) }
            return try await body(store)
        }
    }

    // MARK: Connections and transactions

    /// Runs `body` on one connection of `pool`, with PostgreSQL's errors turned into the store's.
    @discardableResult
    func database<T: Sendable>(_ pool: ConnectionPool = .read, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        let observer = waitObserver.withLock { $0 }
        do {
            return try await (pool == .write ? writers : client).withConnection { connection in
                observer?.call(pool, ContinuousClock.now - asked)
                return try await body(connection)
            }
        } catch let error as PSQLError {
            throw Self.storeError(error, settings: settings)
        }
    }

    public func observeConnectionWaits(_ observer: @escaping @Sendable (ConnectionPool, Duration) -> Void) {
        let boxed = WaitObserver(observer)
        waitObserver.withLock { $0 = boxed }
    }

    /// Runs `body` in one transaction on a connection of `pool`: committed if it returns, rolled back if it throws
    /// (its error rethrown as is).
    func transaction<T: Sendable>(_ pool: ConnectionPool = .read, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await database(pool) { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// ``transaction(_:_:)`` for a writer of the log (anything that takes the arrival counter's lock): on a
    /// connection of the writers' pool, its steps on the writer's own thread, so that between two statements, while
    /// it holds the log's lock, it does not queue behind the concurrency pool's work.
    func writerTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(writerExecutor) { try await transaction(.write, body) }
    }

    /// PostgreSQL's error as the store's: what failed and the server's own words (its message names no values:
    /// the detail line, which can quote a row, is left out), never the password or the query's parameters.
    static func storeError(_ error: PSQLError, settings: DatabaseSettings) -> TambonError {
        if let server = error.serverInfo {
            let state = server[.sqlState] ?? "?"
            let message = server[.message] ?? "error"
            return TambonError(
                state.hasPrefix("23") ? .conflict : .internal, "database_error",
                "the hub's database refused a statement: \(message) (SQLSTATE \(state))",
                thai: "ฐานข้อมูลของศูนย์กลางปฏิเสธคำสั่ง")
        }
        let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
        return TambonError(
            .unavailable, "database_unavailable", "cannot reach the hub's database at \(settings.url): \(reason)",
            thai: "ติดต่อฐานข้อมูลของศูนย์กลางไม่ได้",
            hint: "is PostgreSQL running, and is \(DatabaseSettings.passwordVariable) set if it asks for a password?")
    }

    // MARK: The hub's identity

    /// Creates the hub's identity (one row); refuses if the database already holds one.
    @discardableResult
    public func initialiseNode(
        office: String = PostgresStore.hubOffice, name: String, identity: NodeIdentity = NodeIdentity()
    ) async throws -> NodeInfo {
        guard office == Self.hubOffice else {
            throw StoreError(.invalidArgument, "a PostgreSQL database holds a hub, not an office's node (office \(office))")
        }
        let now = configuration.wallClock()
        let host = configuration.host ?? StoreConfiguration.machineFingerprint()
        return try await transaction { connection in
            let held = try await connection.query("SELECT count(*) FROM hub_node", logger: logger).collect()
            guard try held.first?.decode(Int64.self) == 0 else {
                throw StoreError(.alreadyInitialised, "the database at \(settings.url) already holds a hub")
            }
            try await connection.query(
                """
                INSERT INTO hub_node (id, node_id, private_key, office, name, host, created_ms)
                VALUES (1, \(ByteBuffer(bytes: identity.id.bytes)), \(ByteBuffer(bytes: identity.seed)), \(office), \(name), \(host), \(now))
                """, logger: logger)
            return NodeInfo(id: identity.id, office: office, name: name, host: host, createdMillis: now, clock: .zero, lastSeq: 0, lastHash: nil)
        }
    }

    /// The hub's identity, or nil before ``initialiseNode(office:name:identity:)``.
    public func node() async throws -> NodeInfo? {
        try await database { connection in try await HubNodeRow.fetch(connection, logger: logger)?.info }
    }

    /// The home office of a record: its id up to the first `.` (the office that owns it under the authority
    /// rules), or the whole id if it has none. The distribution key of the log and the state (Citus).
    public static func home(of record: String) -> String {
        record.firstIndex(of: ".").map { String(record[..<$0]) } ?? record
    }
}

extension PostgresStore {
    /// Runs `body` with a database of its own on `server`, created empty and dropped afterwards (tests and
    /// benchmarks): `server` names an existing database to connect to for creating it.
    public static func withScratchDatabase<Result: Sendable>(
        server: DatabaseSettings, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (DatabaseSettings) async throws -> Result
    ) async throws -> Result {
        let name = "tambon_scratch_" + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
        let client = PostgresClient(configuration: try server.clientConfiguration(environment: environment), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // The name is ours (hex), never input: safe to write into the statement.
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            do {
                let result = try await body(try server.with(database: name))
                try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
                return result
            } catch {
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
                throw error
            }
        }
    }
}
