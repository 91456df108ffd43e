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
    /// `body` is first rehearsed outside the lock to learn what it reads (``rehearse(_:)``); under the lock all of
    /// that is read together (``PostgresReadSet``) before `body` runs for real on those answers, reading anything
    /// new itself. A bank's confirmation used to hold the lock for a round trip per read, which held every push back.
    public func readWrite(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async throws -> [Change] {
        let reads = await rehearse(body)
        return try await writerTransaction { connection in
            let writer = try await PostgresLogWriter(connection: connection, logger: logger)
            guard var node = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
            var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
            let answered = PostgresLocalReads(
                connection: connection, logger: logger, node: node.info, stamp: clock.tick(wallMillis: configuration.wallClock()),
                answers: try await reads.answers(connection, logger: logger))
            let edits = try await PostgresLocalReads.onThread { try body(answered) }
            var gate = PostgresAuthority(connection: connection, logger: logger, hub: node.id, rules: configuration.authority)
            let written = try await writeLocal(edits, writer: writer, node: &node, gate: &gate, firstStamp: answered.stamp)
            try await shareRoster(writer: writer, node: &node, gate: &gate)
            try await writer.flush()
            try await node.saveHead(connection, logger: logger)
            return written
        }
    }

    /// Rounds of a rehearsal before the real run reads what is still missing itself.
    static let rehearsalRounds = 6

    /// What `body` reads, learned outside the lock in rounds (``RehearsalReads``): each round runs `body` on what
    /// is known, answering the unknown as absent, then reads everything it missed in one go; a bank's batch of
    /// confirmations (the payment, the bill, its ledger's receipts and payments) settles in three or four rounds of
    /// a few statements each, where reading one at a time took hundreds. Edits are dropped. A failure only means less
    /// is read ahead: the real run meets the same error, or reads what it needs itself.
    func rehearse(_ body: @escaping @Sendable (any LocalReads) throws -> [LocalEdit]) async -> PostgresReadSet {
        var asked = PostgresReadSet()
        do {
            try await database { connection in
                guard let node = try await HubNodeRow.fetch(connection, logger: logger) else { return }
                var known = PostgresReadSet.Answers()
                for _ in 0..<Self.rehearsalRounds {
                    let reads = RehearsalReads(node: node.info, known: known)
                    _ = try? await PostgresLocalReads.onThread { try body(reads) }
                    asked.formUnion(reads.asked)
                    let missing = reads.missing
                    guard !missing.isEmpty else { return }
                    known.merge(try await missing.answers(connection, logger: logger))
                }
            }
        } catch {
            logger.debug("a read-decide-write rehearsal failed; the transaction reads for itself", metadata: ["error": "\(error)"])
        }
        return asked
    }
}
