import Foundation
import GRDB
import TambonCore

extension Store {
    /// Applies a batch of remote changes: all of it in one transaction, or none of it.
    ///
    /// Every change's hash and (unless turned off) signature are verified and its HLC checked against the skew
    /// bound, in parallel, before the transaction. Inside it, each change is checked against the log: already
    /// held with the same hash → no-op; held with another hash → fork; its `prev` disagreeing with the held change
    /// before it, or the held change after it not naming it → fork; with `enforceChain`, a gap → refused. The
    /// first failure, in batch order for the checks before the transaction and in (origin, seq) order inside it,
    /// is thrown as a ``TambonCore/ChangeRejection`` and nothing is applied. Afterwards the node's clock has
    /// received the highest HLC applied (the HLC receive rule).
    @discardableResult
    public func apply(_ batch: [Change], options: ApplyOptions = .init()) async throws -> ApplyResult {
        let configuration = self.configuration
        let wallMillis = configuration.wallClock()
        let skewGuard = HybridLogicalClock(maximumSkewMillis: configuration.maximumSkewMillis)
        let encoded = try ParallelVerifier.verify(
            batch, checkSignatures: options.verifySignatures, clock: skewGuard, wallMillis: wallMillis)
        let order = batch.indices.sorted { lhs, rhs in
            let a = batch[lhs], b = batch[rhs]
            return a.origin != b.origin ? a.origin < b.origin : a.seq < b.seq
        }
        return try await writer.writeWithoutTransaction { db in
            var result: ApplyResult?
            try db.inTransaction(.immediate) {
                guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
                let writer = try ChangeWriter(db)
                var arrival = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(arrival), 0) FROM changes")!
                var applied = 0
                var duplicates = 0
                var newest = HLC.zero
                for index in order {
                    let change = batch[index]
                    let around = try writer.neighbourhood(of: change)
                    if let held = around.held {
                        guard held == change.hash else {
                            throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .fork(heldHash: held))
                        }
                        duplicates += 1
                        continue
                    }
                    if change.origin == node.id {
                        throw StoreError(.staleLog,
                            "change #\(change.seq) of this node came back from elsewhere but is not in its own log: "
                                + "this data directory is older than the node's history (restored from a backup, or a copy)",
                            hint: "stop writing on this directory and restore the office's node from the hub")
                    }
                    if options.enforceChain, change.seq > 1, around.previousHash == nil {
                        let expected = (try writer.head(of: change.origin)?.seq ?? 0) + 1
                        throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .chainGap(expectedSeq: expected))
                    }
                    if let previousHash = around.previousHash, previousHash != change.previous {
                        throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .brokenChain(
                            detail: "its prev is not the hash of the held #\(change.seq - 1)"))
                    }
                    if case .some(let nextPrevious) = around.nextPrevious, nextPrevious != change.hash {
                        throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .brokenChain(
                            detail: "the held #\(change.seq + 1) does not name it as prev"))
                    }
                    arrival += 1
                    try writer.insert(change, operations: encoded[index], arrival: arrival)
                    applied += 1
                    newest = max(newest, change.hlc)
                }
                if applied > 0 {
                    var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
                    // Skew was checked before the transaction against the same wall time.
                    let received = try clock.receive(newest, origin: nil, wallMillis: wallMillis)
                    try NodeRow.saveClock(db, received)
                }
                result = ApplyResult(applied: applied, duplicates: duplicates, lastArrival: arrival)
                return .commit
            }
            return result!
        }
    }
}
