import Foundation
import GRDB
import TambonCore

extension Store {
    /// Applies a batch of remote changes: all of it in one transaction, or none of it.
    ///
    /// Changes are taken in (origin, seq) order. Each one's structure, hash, signature (unless turned off) and
    /// HLC skew are verified — on background threads, overlapping the SQLite work — and it is checked against the
    /// log: already held with the same hash → no-op; held with another hash → fork; its `prev` disagreeing with
    /// the held change before it, or the held change after it not naming it → fork; with `enforceChain`, a gap →
    /// refused. The first failure in that order is thrown as a ``TambonCore/ChangeRejection`` (or a
    /// ``StoreError`` for a stale copy of this node) and nothing is applied. Afterwards the node's clock has
    /// received the highest HLC applied (the HLC receive rule). With `settingCursor`, the named cursor is set in the
    /// same transaction, so a pulled page and the position after it are stored together or not at all.
    @discardableResult
    public func apply(
        _ batch: [Change], options: ApplyOptions = .init(), settingCursor cursor: (name: String, value: Int64)? = nil
    ) async throws -> ApplyResult {
        try await apply(ReceivedChanges(batch), options: options, settingCursor: cursor)
    }

    /// ``apply(_:options:settingCursor:)`` for changes read from the wire, taking what reading them computed
    /// (``TambonCore/ReceivedChanges``).
    @discardableResult
    public func apply(
        _ received: ReceivedChanges, options: ApplyOptions = .init(), settingCursor cursor: (name: String, value: Int64)? = nil
    ) async throws -> ApplyResult {
        let configuration = self.configuration
        let wallMillis = configuration.wallClock()
        let batch = received.changes
        let order = batch.indices.sorted { lhs, rhs in
            let a = batch[lhs], b = batch[rhs]
            return a.origin != b.origin ? a.origin < b.origin : a.seq < b.seq
        }
        let verifier = PipelinedVerifier(
            batch: received, order: order, checkSignatures: options.verifySignatures, authenticateRuns: options.authenticateRuns,
            skewGuard: HybridLogicalClock(maximumSkewMillis: configuration.maximumSkewMillis), wallMillis: wallMillis)
        // Verification starts before the writer is free: a batch waiting behind another one's transaction (the
        // next page of a pull, the next push of a node) is verified meanwhile. The workers are stopped, and awaited,
        // once the transaction has committed or failed.
        // Small writes (a bank's confirmation, a request's nonce) wait for at most the batch being applied.
        return try await verifier.verifying {
            try await applyQueue.inTurn {
                try await applyTransaction(batch, order: order, options: options, verifier: verifier, settingCursor: cursor, wallMillis: wallMillis)
            }
        }
    }

    /// The transaction of ``apply(_:options:settingCursor:)``, its changes verified by `verifier` meanwhile.
    private func applyTransaction(
        _ batch: [Change], order: [Int], options: ApplyOptions, verifier: PipelinedVerifier, settingCursor cursor: (name: String, value: Int64)?,
        wallMillis: Int64
    ) async throws -> ApplyResult {
        let configuration = self.configuration
        return try await writer.writeWithoutTransaction { db in
            var result: ApplyResult?
            try db.inTransaction(.immediate) {
                guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
                var log = try LogCursor(db: db, node: node, options: options, rules: configuration.authority)
                var newest = HLC.zero
                for (position, index) in order.enumerated() {
                    let change = batch[index]
                    let encoded = try verifier.outcome(at: position).get()
                    if try log.append(change, operations: encoded) {
                        newest = max(newest, change.hlc)
                    }
                }
                if log.applied > 0 {
                    var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
                    // Skew was checked against the same wall time during verification.
                    try NodeRow.saveClock(db, try clock.receive(newest, origin: nil, wallMillis: wallMillis))
                }
                if node.office == Store.hubOffice {
                    try shareRoster(db, reached: log.reached)
                }
                if let cursor {
                    try Self.setCursor(db, cursor.name, cursor.value)
                }
                result = ApplyResult(applied: log.applied, duplicates: log.duplicates, lastArrival: log.arrival, refused: log.refused)
                return .commit
            }
            return result!
        }
    }
}
