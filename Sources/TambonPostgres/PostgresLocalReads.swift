import Dispatch
import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// The reads of a hub's read-decide-write transaction on PostgreSQL (``TambonStore/LocalReads``): synchronous, as
/// the body that decides is, so each one waits for its answer. The body runs on a thread of its own
/// (``PostgresStore/readWrite(_:)``), never on one of the concurrency pool's or an event loop's, so the wait blocks
/// nothing else. What was read ahead under the lock (`answers`) is answered from memory; anything else is asked of
/// the database, a record in one statement.
struct PostgresLocalReads: LocalReads, Sendable {
    let connection: PostgresConnection
    let logger: Logger
    let node: NodeInfo
    let stamp: HLC
    var answers = PostgresReadSet.Answers()

    func role() throws -> NodeRole { .hub }

    func record(collection: String, id: String) throws -> RecordSnapshot? {
        let key = PostgresReadSet.RecordKey(collection: collection, id: id)
        if let known = answers.records[key] { return known }
        return try PostgresReadSet.record(key, connection, logger: logger)
    }

    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String] {
        let key = PostgresReadSet.LinkKey(collection: collection, link: link, reference: reference, office: office)
        if let known = answers.links[key] { return known }
        return try connection.query(PostgresReadSet.linkQuery([key], link), logger: logger).wait()
            .map { try $0.decode((Int64, String).self).1 }.filter { Authority.isOwned(record: $0, by: office) }.sorted()
    }

    /// Runs `body` on a thread where waiting blocks nothing else.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async { done.resume(with: Result { try body() }) }
        }
    }
}

extension PostgresStore {
    /// A read-decide-write transaction of the hub's own: under the log's lock, `body` reads through
    /// ``PostgresLocalReads`` on a thread of its own and returns the edits, written as hub changes in the same
    /// transaction (``TambonStore/HubLog/readWrite(_:)``).
    ///
    /// `body` first runs once outside the lock, a rehearsal whose edits are dropped, to learn what it reads; under
    /// the lock those reads are answered together (``PostgresReadSet``) before `body` runs again and decides. A
    /// bank's confirmation used to hold the lock for a round trip per read, which held every push back.
    public func readWrite(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async throws -> [Change] {
        let rehearsed = await rehearse(body)
        return try await transaction { connection in
            let writer = try await PostgresLogWriter(connection: connection, logger: logger)
            guard var node = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
            var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
            let reads = PostgresLocalReads(
                connection: connection, logger: logger, node: node.info, stamp: clock.tick(wallMillis: configuration.wallClock()),
                answers: try await rehearsed.answers(connection, logger: logger))
            let edits = try await PostgresLocalReads.onThread { try body(reads) }
            var gate = PostgresAuthority(connection: connection, logger: logger, hub: node.id, rules: configuration.authority)
            let written = try await writeLocal(edits, writer: writer, node: &node, gate: &gate, firstStamp: reads.stamp)
            try await shareRoster(writer: writer, node: &node, gate: &gate)
            try await writer.flush()
            try await node.saveHead(connection, logger: logger)
            return written
        }
    }

    /// What `body` reads, from a run outside the lock whose edits are dropped. A failure here only means less is
    /// read ahead: the run under the lock meets the same error, or reads what it needs itself.
    private func rehearse(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async -> PostgresReadSet {
        do {
            return try await database { connection in
                guard let node = try await HubNodeRow.fetch(connection, logger: logger) else { return PostgresReadSet() }
                let reads = RecordingReads(base: PostgresLocalReads(connection: connection, logger: logger, node: node.info, stamp: node.clock))
                _ = try? await PostgresLocalReads.onThread { try body(reads) }
                return reads.readSet
            }
        } catch {
            return PostgresReadSet()
        }
    }
}
