import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

extension PostgresStore {
    /// Applies a batch of remote changes, all or nothing, with the checks of ``TambonStore/Store/apply(_:options:settingCursor:)``
    /// in the same order: structure, hash, signature and skew (verified on every core first), then against the log —
    /// duplicate, fork, broken chain, gap where the chain is enforced — then the authority rules and the feed bounds
    /// (SPEC §6.2). Roster entries are shared with the offices the batch reached (SPEC §15.4) in the same transaction.
    @discardableResult
    public func apply(_ batch: [Change], options: ApplyOptions = .init()) async throws -> ApplyResult {
        try await apply(ReceivedChanges(batch), options: options)
    }

    /// ``apply(_:options:)`` for changes read from the wire, taking what reading them computed
    /// (``TambonCore/ReceivedChanges``).
    @discardableResult
    public func apply(_ received: ReceivedChanges, options: ApplyOptions = .init()) async throws -> ApplyResult {
        let configuration = self.configuration
        let wallMillis = configuration.wallClock()
        let batch = received.changes
        let order = batch.indices.sorted { lhs, rhs in
            let a = batch[lhs], b = batch[rhs]
            return a.origin != b.origin ? a.origin < b.origin : a.seq < b.seq
        }
        let outcomes = await PipelinedVerifier.verifyAll(
            batch: received, order: order, options: options,
            skewGuard: HybridLogicalClock(maximumSkewMillis: configuration.maximumSkewMillis), wallMillis: wallMillis)
        // The batch takes its connection first, then waits for its turn: small writes (a bank's confirmation, a
        // request's nonce) wait in the counter's lock for at most the batch being applied, and the next batch
        // starts the moment the last commits, without queueing for a connection among the readers.
        return try await writerTransaction { connection in
            try await applyQueue.inTurn {
                try await applyTransaction(batch, order: order, options: options, outcomes: outcomes, wallMillis: wallMillis, connection: connection)
            }
        }
    }

    /// The transaction of ``apply(_:options:)`` on `connection`, with each change's verification outcome in `order`.
    private func applyTransaction(
        _ batch: [Change], order: [Int], options: ApplyOptions, outcomes: [PipelinedVerifier.Outcome], wallMillis: Int64,
        connection: PostgresConnection
    ) async throws -> ApplyResult {
        let configuration = self.configuration
        let writer = try await PostgresLogWriter(connection: connection, logger: logger)
        guard var node = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
        var gate = PostgresAuthority(connection: connection, logger: logger, hub: node.id, rules: configuration.authority)
        var heads = try await Self.heads(of: Set(batch.map(\.origin)), connection: connection, logger: logger)
        try await writer.prefetch(batch.map { .init(collection: $0.collection, record: $0.record) })
        var applied = 0, duplicates = 0, feedRows = 0
        var refused: [RefusedChange] = []
        var newest = HLC.zero
        for (position, index) in order.enumerated() {
            let change = batch[index]
            let operations = try outcomes[position].get()
            let head = heads[change.origin] ?? (seq: 0, hash: [])
            if change.seq <= head.seq {
                let around = try await Self.neighbourhood(of: change, connection: connection, logger: logger)
                if let held = around.held {
                    guard held == change.hash else { throw Self.reject(change, .fork(heldHash: held)) }
                    duplicates += 1
                    if let refusal = around.heldRefusal, refusal.code != AuthorityRefusal.Reason.unknownWriter.rawValue,
                        let reason = AuthorityRefusal.Reason(rawValue: refusal.code)
                    {
                        refused.append(RefusedChange(change, AuthorityRefusal(reason, refusal.message)))
                    }
                    continue
                }
                try Self.checkNotOwn(change, hub: node.id)
                if options.enforceChain, change.seq > 1, around.previousHash == nil {
                    throw Self.reject(change, .chainGap(expectedSeq: change.seq - 1))
                }
                if let previousHash = around.previousHash, previousHash != change.previous {
                    throw Self.reject(change, .brokenChain(detail: "its prev is not the hash of the held #\(change.seq - 1)"))
                }
                if case .some(let nextPrevious) = around.nextPrevious, nextPrevious != change.hash {
                    throw Self.reject(change, .brokenChain(detail: "the held #\(change.seq + 1) does not name it as prev"))
                }
            } else {
                try Self.checkNotOwn(change, hub: node.id)
                if change.seq == head.seq + 1 {
                    if head.seq > 0, change.previous != head.hash {
                        throw Self.reject(change, .brokenChain(detail: "its prev is not the hash of the held #\(head.seq)"))
                    }
                } else if options.enforceChain {
                    throw Self.reject(change, .chainGap(expectedSeq: head.seq + 1))
                }
            }
            let heldScope = try await writer.state(of: .init(collection: change.collection, record: change.record))?.scope
            var refusal = try await gate.decide(change)
            if refusal == nil {
                let rows = try await writer.feedRows(for: change, heldScope: heldScope)
                if rows > options.maximumFeedRowsPerChange {
                    refusal = AuthorityRefusal(
                        .feedLimit,
                        "\(change.collection)/\(change.record): this change would deliver \(rows) changes to offices' feeds (at most "
                            + "\(options.maximumFeedRowsPerChange)); a record with a long history may not join many offices at once")
                } else {
                    guard feedRows == 0 || feedRows + rows <= options.maximumFeedRowsPerBatch else {
                        throw TambonError(
                            .tooLarge, "push_too_costly",
                            "this batch would deliver more than \(options.maximumFeedRowsPerBatch) changes to offices' feeds; nothing of it was applied",
                            hint: "send fewer changes per batch (the node halves its batch and sends the rest in the next round)")
                    }
                    feedRows += rows
                }
            }
            if let refusal {
                writer.insertRefused(change, operations: operations, refusal: refusal)
                if refusal.reason != .unknownWriter { refused.append(RefusedChange(change, refusal)) }
            } else {
                try await writer.insert(change, operations: operations, heldScope: heldScope)
                applied += 1
                newest = max(newest, change.hlc)
            }
            if change.seq > head.seq { heads[change.origin] = (change.seq, change.hash) }
        }
        if applied > 0 {
            var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
            node.clock = try clock.receive(newest, origin: nil, wallMillis: wallMillis)
        }
        try await shareRoster(writer: writer, node: &node, gate: &gate)
        try await writer.flush()
        try await node.saveHead(connection, logger: logger)
        return ApplyResult(applied: applied, duplicates: duplicates, lastArrival: writer.arrival, refused: refused)
    }

    /// Each origin's highest held seq and its hash.
    static func heads(of origins: Set<NodeID>, connection: PostgresConnection, logger: Logger) async throws -> [NodeID: (seq: Int64, hash: [UInt8])] {
        var heads: [NodeID: (seq: Int64, hash: [UInt8])] = [:]
        let ids = origins.map { ByteBuffer(bytes: $0.bytes) }
        for try await (origin, seq, hash) in try await connection.execute(HotStatements.Heads(origins: ids), logger: logger) {
            heads[try PostgresLogWriter.node(origin)] = (seq, Array(buffer: hash))
        }
        return heads
    }

    /// What the log holds around `change`: itself, the one before, the one after.
    struct Neighbourhood {
        var held: [UInt8]?
        var heldRefusal: (code: String, message: String)?
        var previousHash: [UInt8]?
        var nextPrevious: [UInt8]??
    }

    static func neighbourhood(of change: Change, connection: PostgresConnection, logger: Logger) async throws -> Neighbourhood {
        var result = Neighbourhood()
        for try await (seq, hash, previous, refused, message) in try await connection.query(
            """
            SELECT seq, hash, prev, refused, refused_message FROM changes
            WHERE origin = \(ByteBuffer(bytes: change.origin.bytes)) AND seq BETWEEN \(change.seq - 1) AND \(change.seq + 1)
            """, logger: logger
        ).decode((Int64, ByteBuffer, ByteBuffer?, String?, String?).self) {
            if seq == change.seq {
                result.held = Array(buffer: hash)
                if let refused { result.heldRefusal = (refused, message ?? refused) }
            } else if seq == change.seq - 1 {
                result.previousHash = Array(buffer: hash)
            } else {
                result.nextPrevious = .some(previous.map { Array(buffer: $0) })
            }
        }
        return result
    }

    /// The hub's own changes never come back from a node.
    static func checkNotOwn(_ change: Change, hub: NodeID) throws {
        guard change.origin == hub else { return }
        throw StoreError(
            .staleLog,
            "change #\(change.seq) of the hub came back from a node but is not in the hub's log: the database is older than the hub's history",
            hint: "restore the hub's database from its latest backup")
    }

    static func reject(_ change: Change, _ reason: ChangeRejection.Reason) -> ChangeRejection {
        ChangeRejection(origin: change.origin, seq: change.seq, reason: reason)
    }
}
