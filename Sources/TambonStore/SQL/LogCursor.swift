import GRDB
import TambonCore

/// Appends verified remote changes to the log inside one transaction, checking each against what is held.
///
/// The common case — an origin's changes arriving in order after what is held — needs no lookup per change: the
/// cursor remembers each origin's head (highest held seq and its hash), loaded once per origin per batch.
/// Anything at or below the head takes the careful path: is it held (duplicate or fork), does it fit between
/// the held changes around it.
struct LogCursor {
    private let writer: ChangeWriter
    private let ownID: NodeID
    private let enforceChain: Bool
    /// At the hub: the most feed rows one change may make (SPEC §6.2); nil elsewhere.
    private let feedLimit: Int?
    private let feedBudget: Int
    /// Feed rows this batch has made so far (at the hub).
    private(set) var feedRows = 0
    private var gate: AuthorityGate
    private let db: Database
    private var heads: [NodeID: (seq: Int64, hash: [UInt8])] = [:]
    private(set) var arrival: Int64
    private(set) var applied = 0
    private(set) var duplicates = 0
    /// Changes held but inert because the authority rules refuse them (held before, or now).
    private(set) var refused: [RefusedChange] = []
    /// Which writers' changes this batch delivered to which offices (the hub shares their roster entries there).
    private(set) var reached: Set<ChangeWriter.Reach> = []

    init(db: Database, node: NodeRow, options: ApplyOptions, rules: AuthorityRules?) throws {
        writer = try ChangeWriter(db, tracksReach: node.office == Store.hubOffice)
        self.db = db
        self.ownID = node.id
        self.enforceChain = options.enforceChain
        feedLimit = node.office == Store.hubOffice ? options.maximumFeedRowsPerChange : nil
        feedBudget = options.maximumFeedRowsPerBatch
        gate = try AuthorityGate(db, node: node, rules: rules)
        arrival = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(arrival), 0) FROM changes")!
    }

    /// Checks and appends one change; returns false if it was already held.
    mutating func append(_ change: Change, operations: EncodedOperations) throws -> Bool {
        let head = try heads[change.origin] ?? writer.head(of: change.origin) ?? (seq: 0, hash: [])
        if change.seq <= head.seq {
            let around = try writer.neighbourhood(of: change)
            if let held = around.held {
                guard held == change.hash else { throw reject(change, .fork(heldHash: held)) }
                duplicates += 1
                // The writer re-sent a change refused before (its answer was lost): tell it again.
                if let refusal = around.heldRefusal, refusal.code != AuthorityRefusal.Reason.unknownWriter.rawValue,
                    let reason = AuthorityRefusal.Reason(rawValue: refusal.code)
                {
                    refused.append(RefusedChange(change, AuthorityRefusal(reason, refusal.message)))
                }
                return false
            }
            try checkNotOwn(change)
            if enforceChain, change.seq > 1, around.previousHash == nil {
                throw reject(change, .chainGap(expectedSeq: change.seq - 1))
            }
            if let previousHash = around.previousHash, previousHash != change.previous {
                throw reject(change, .brokenChain(detail: "its prev is not the hash of the held #\(change.seq - 1)"))
            }
            if case .some(let nextPrevious) = around.nextPrevious, nextPrevious != change.hash {
                throw reject(change, .brokenChain(detail: "the held #\(change.seq + 1) does not name it as prev"))
            }
        } else {
            try checkNotOwn(change)
            if change.seq == head.seq + 1 {
                if head.seq > 0, change.previous != head.hash {
                    throw reject(change, .brokenChain(detail: "its prev is not the hash of the held #\(head.seq)"))
                }
            } else if enforceChain {
                throw reject(change, .chainGap(expectedSeq: head.seq + 1))
            }
        }
        arrival += 1
        let heldScope = try writer.scope(of: change)
        var refusal = try gate.decide(change)
        if refusal == nil, let feedLimit {
            let rows = try writer.feedRows(for: change, heldScope: heldScope)
            if rows > feedLimit {
                refusal = AuthorityRefusal(
                    .feedLimit,
                    "\(change.collection)/\(change.record): this change would deliver \(rows) changes to offices' feeds (at most \(feedLimit)); "
                        + "a record with a long history may not join many offices at once")
            } else {
                // One change alone always fits (the per-change bound holds it), so halving a batch always ends.
                guard feedRows == 0 || feedRows + rows <= feedBudget else {
                    throw TambonError(
                        .tooLarge, "push_too_costly",
                        "this batch would deliver more than \(feedBudget) changes to offices' feeds; nothing of it was applied",
                        hint: "send fewer changes per batch (the node halves its batch and sends the rest in the next round)")
                }
                feedRows += rows
            }
        }
        if let refusal {
            // Held in the chain, so the writer's later changes still follow it; inert everywhere.
            try writer.insertRefused(change, operations: operations, arrival: arrival, refusal: refusal)
            if refusal.reason != .unknownWriter { refused.append(RefusedChange(change, refusal)) }
        } else {
            reached.formUnion(try writer.insert(change, operations: operations, arrival: arrival, heldScope: heldScope))
            reached.formUnion(try gate.applied(change, db: db, writer: writer))
            applied += 1
        }
        if change.seq > head.seq {
            heads[change.origin] = (change.seq, change.hash)
        } else {
            heads[change.origin] = head
        }
        return true
    }

    /// A change of this node's own that it does not hold means this directory is behind the node's real history.
    private func checkNotOwn(_ change: Change) throws {
        guard change.origin == ownID else { return }
        throw StoreError(
            .staleLog,
            "change #\(change.seq) of this node came back from elsewhere but is not in its own log: "
                + "this data directory is older than the node's history (restored from a backup, or a copy)",
            hint: "stop writing on this directory and restore the office's node from the hub")
    }

    private func reject(_ change: Change, _ reason: ChangeRejection.Reason) -> ChangeRejection {
        ChangeRejection(origin: change.origin, seq: change.seq, reason: reason)
    }
}
