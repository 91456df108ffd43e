import Dispatch
import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// The reads of a hub's read-decide-write transaction on PostgreSQL (``TambonStore/LocalReads``): synchronous, as
/// the body that decides is, so each one waits for its answer. The body runs on a thread of its own
/// (``PostgresStore/readWrite(_:)``), never on one of the concurrency pool's or an event loop's, so the wait blocks
/// nothing else.
struct PostgresLocalReads: LocalReads {
    let connection: PostgresConnection
    let logger: Logger
    let node: NodeInfo
    let stamp: HLC

    func role() throws -> NodeRole { .hub }

    func record(collection: String, id: String) throws -> RecordSnapshot? {
        try Self.record(connection, logger: logger, collection: collection, id: id)
    }

    /// A record's merged state, waiting for the answers (on a thread where waiting blocks nothing else).
    static func record(_ connection: PostgresConnection, logger: Logger, collection: String, id: String) throws -> RecordSnapshot? {
        let key = (home: PostgresStore.home(of: id), collection: collection, id: id)
        let scopes = try connection.query(
            "SELECT scope FROM records WHERE office = \(key.home) AND collection = \(collection) AND record_id = \(id)", logger: logger
        ).wait()
        guard let scopeRow = scopes.first else { return nil }
        let scope = try PostgresLogWriter.decodeScope(try scopeRow.decode(String.self))
        var fields: [String: JSONValue] = [:]
        for row in try connection.query(
            "SELECT field, value FROM fields WHERE office = \(key.home) AND collection = \(collection) AND record_id = \(id)", logger: logger
        ).wait() {
            let (field, value) = try row.decode((String, String).self)
            fields[field] = try PostgresStore.decodeValue(value)
        }
        var sets: [String: [String: JSONValue]] = [:]
        for row in try connection.query(
            "SELECT field, element_id, value FROM set_elements WHERE office = \(key.home) AND collection = \(collection) AND record_id = \(id)",
            logger: logger
        ).wait() {
            let (field, element, value) = try row.decode((String, String, String).self)
            sets[field, default: [:]][element] = try PostgresStore.decodeValue(value)
        }
        return RecordSnapshot(collection: collection, id: id, scope: scope, fields: fields, sets: sets)
    }

    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String] {
        try connection.query(
            """
            SELECT record_id FROM fields WHERE office = \(office) AND collection = \(collection) AND field = '\(unescaped: link.rawValue)'
              AND value = \(JSONValue.string(reference).canonicalText)
            """, logger: logger
        ).wait().map { try $0.decode(String.self) }.filter { Authority.isOwned(record: $0, by: office) }
    }
}

extension PostgresStore {
    /// A read-decide-write transaction of the hub's own: under the log's lock, `body` reads through
    /// ``PostgresLocalReads`` on a thread of its own and returns the edits, written as hub changes in the same
    /// transaction (``TambonStore/HubLog/readWrite(_:)``).
    public func readWrite(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async throws -> [Change] {
        try await transaction { connection in
            let writer = try await PostgresLogWriter(connection: connection, logger: logger)
            guard var node = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
            var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
            let reads = PostgresLocalReads(
                connection: connection, logger: logger, node: node.info, stamp: clock.tick(wallMillis: configuration.wallClock()))
            let edits = try await withCheckedThrowingContinuation { (decided: CheckedContinuation<[LocalEdit], any Error>) in
                DispatchQueue.global(qos: .userInitiated).async { decided.resume(with: Result { try body(reads) }) }
            }
            var gate = PostgresAuthority(connection: connection, logger: logger, hub: node.id, rules: configuration.authority)
            let written = try await writeLocal(edits, writer: writer, node: &node, gate: &gate, firstStamp: reads.stamp)
            try await shareRoster(writer: writer, node: &node, gate: &gate)
            try await writer.flush()
            try await node.saveHead(connection, logger: logger)
            return written
        }
    }
}
