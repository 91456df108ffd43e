import Foundation
import GRDB
import TambonCore

/// The replicated store of one node (or of the hub): a signed, hash-chained change log and the state merged
/// from it, in one SQLite database.
///
/// Every method that writes runs in one immediate transaction, so the log, the state, the node's clock and its
/// sequence never disagree, and two processes on the same directory (a server and a manual sync) serialise
/// instead of failing.
public struct Store: Sendable {
    /// The office code of the hub's own node: the hub writes records of any office (it routes between them).
    public static let hubOffice = Enrolment.hubOffice

    /// The database file inside a data directory.
    public static let databaseFileName = "tambon.sqlite"

    let writer: any DatabaseWriter
    public let configuration: StoreConfiguration
    let identities = IdentityCache()
    /// Batch applies take their turn at the writer one at a time (``TurnGate``).
    let applyQueue = TurnGate()
    /// The files attached to records, beside the database.
    public let attachments: AttachmentStore
    /// Checkpoints the write-ahead log off the writer's thread (nil: in memory, or SQLite's own checkpoint).
    let checkpointer: WALCheckpointer?
    /// The hub's enrolment tokens, enrolled nodes and request nonces (in the same database file).
    public var peers: PeerRegistry { PeerRegistry(store: self) }

    init(writer: any DatabaseWriter, configuration: StoreConfiguration, attachments: AttachmentStore, checkpointer: WALCheckpointer? = nil) throws {
        self.writer = writer
        self.configuration = configuration
        self.attachments = attachments
        self.checkpointer = checkpointer
        try StoreMigrator.make().migrate(writer)
    }

    /// Opens (creating if needed) the database at `path` as a WAL-mode pool.
    public static func open(path: String, configuration: StoreConfiguration = .init()) throws -> Store {
        var config = Configuration()
        config.busyMode = .timeout(30)
        let durable = configuration.durableCommits
        let checkpointInBackground = configuration.checkpointInterval != nil
        config.prepareDatabase { db in
            // FULL: a write an officer saw succeed survives a power cut (offices have them).
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            if checkpointInBackground {
                // Only the writer ever commits, so only its setting matters.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerPages)")
                try db.execute(sql: "PRAGMA journal_size_limit = \(WALCheckpointer.logSizeLimitBytes)")
            }
        }
        let pool = try DatabasePool(path: path, configuration: config)
        let directory = (path as NSString).deletingLastPathComponent
        return try Store(
            writer: pool, configuration: configuration,
            attachments: AttachmentStore(root: (directory.isEmpty ? "." : directory) + "/attachments"),
            checkpointer: configuration.checkpointInterval.map { try WALCheckpointer(path: path, every: $0) })
    }

    /// An in-memory store, for tests (its attachments go to a fresh temporary directory).
    public static func inMemory(configuration: StoreConfiguration = .init()) throws -> Store {
        try Store(
            writer: try DatabaseQueue(), configuration: configuration,
            attachments: AttachmentStore(root: NSTemporaryDirectory() + "tambon-attachments-" + UUID().uuidString))
    }

    /// Makes this store a node: a fresh Ed25519 identity for `office`. Refused if the store already has one.
    @discardableResult
    public func initialiseNode(office: String, name: String, identity: NodeIdentity = NodeIdentity()) async throws -> NodeInfo {
        guard Names.isValidOffice(office) else {
            throw StoreError(.invalidArgument, "invalid office code \"\(office)\": use letters, digits and '-', at most 32")
        }
        guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else {
            throw StoreError(.invalidArgument, "the node name must be one line of at most 200 characters")
        }
        let host = configuration.host ?? ""
        let now = configuration.wallClock()
        return try await writer.writeWithoutTransaction { db in
            var info: NodeInfo?
            try db.inTransaction(.immediate) {
                if let existing = try NodeRow.fetch(db) {
                    throw StoreError(
                        .alreadyInitialised, "this data directory already holds node \(existing.id.hex) of office \(existing.office)",
                        hint: "choose another --data directory; an existing node is never overwritten")
                }
                try NodeRow(identity: identity, office: office, name: name, host: host, createdMillis: now).insert(db)
                info = try NodeRow.fetch(db)?.info
                return .commit
            }
            return info!
        }
    }

    /// The node this store belongs to, or nil if it was never initialised.
    public func node() async throws -> NodeInfo? {
        try await writer.read { db in try NodeRow.fetch(db)?.info }
    }

    /// Declares this machine the one where the node lives, after an operator moved its data directory on purpose
    /// (a replaced PC). The old copy must never run again: if it does, the hub sees a fork.
    @discardableResult
    public func adoptHost() async throws -> NodeInfo {
        guard let host = configuration.host else {
            throw StoreError(.invalidArgument, "no machine fingerprint configured")
        }
        return try await writer.write { db in
            guard try NodeRow.fetch(db) != nil else { throw StoreError.notInitialised }
            try db.execute(sql: "UPDATE node SET host = ? WHERE id = 1", arguments: [host])
            return try NodeRow.fetch(db)!.info
        }
    }

    /// Signs `message` with the node's private key (which never leaves the store). Used for sync requests, whose
    /// messages start with a protocol label and so can never be mistaken for a change hash.
    public func sign(_ message: [UInt8]) async throws -> [UInt8] {
        let row = try await writer.read { db in try NodeRow.fetch(db) }
        guard let row else { throw StoreError.notInitialised }
        return try identities.identity(for: row).sign(message)
    }

    /// Counts of what the store holds.
    public func statistics() async throws -> StoreStatistics {
        try await writer.read { db in
            let row = try Row.fetchOne(
                db,
                cached: """
                    SELECT (SELECT COUNT(*) FROM records) AS records, (SELECT COUNT(*) FROM changes) AS changes,
                           (SELECT COUNT(DISTINCT origin) FROM changes) AS origins, (SELECT IFNULL(MAX(arrival), 0) FROM changes) AS last_arrival,
                           (SELECT COUNT(*) FROM feed) AS feed_rows
                    """)!
            return StoreStatistics(
                records: row["records"], changes: row["changes"], origins: row["origins"], lastArrival: row["last_arrival"],
                feedRows: row["feed_rows"])
        }
    }
}

extension StoreError {
    public static let notInitialised = StoreError(.notInitialised, "this store holds no node", hint: "tambon node init --data DIR --office CODE")
}

extension Store {
    /// Moves everything in the write-ahead log into the database file (for size measurements and backups).
    ///
    /// A background checkpoint (``WALCheckpointer``) may hold the checkpoint lock for a moment, which SQLite
    /// reports as busy without waiting: this tries again every 10 ms, for up to 5 s.
    public func checkpoint() async throws {
        for attempt in 1...500 {
            do {
                _ = try await writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 500 {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}
