import Dispatch
import Foundation
import TambonCore

/// Verifies a batch of changes (structure, hash, signature, clock skew) on background threads while the write
/// transaction consumes them in order, so signature checking — the most expensive step by far — overlaps the
/// SQLite work instead of preceding it. The consuming thread helps with verification whenever it would otherwise
/// wait, so every core stays busy.
public final class PipelinedVerifier: @unchecked Sendable {
    public typealias Outcome = Result<EncodedOperations, ChangeRejection>

    private let batch: ReceivedChanges
    private let order: [Int]
    private let checkSignatures: Bool
    /// Per position: whether its signature is checked. With runs authenticated, a change followed in the batch by
    /// its origin's next change naming it as `prev` is covered by that change (its hash includes the `prev`), so
    /// only each run's last signature is checked (SPEC §5.3a); every hash is checked regardless.
    private let signatureChecked: [Bool]
    private let skewGuard: HybridLogicalClock
    private let wallMillis: Int64

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var nextToClaim = 0
    private var outcomes: [Outcome?]
    private var stopped = false

    private let workers = DispatchGroup()
    /// Set by `start()` before any worker runs, read by `stop()`; both on the consumer's task.
    private var startedWorkers = 0

    /// `order` lists batch indices in the order ``outcome(at:)`` will ask for them.
    init(
        batch: ReceivedChanges, order: [Int], checkSignatures: Bool, authenticateRuns: Bool = false, skewGuard: HybridLogicalClock,
        wallMillis: Int64
    ) {
        self.batch = batch
        self.order = order
        self.checkSignatures = checkSignatures
        var checked = Array(repeating: checkSignatures, count: order.count)
        if checkSignatures && authenticateRuns {
            for position in 0..<max(0, order.count - 1) {
                let change = batch.changes[order[position]], next = batch.changes[order[position + 1]]
                if next.origin == change.origin, next.seq == change.seq + 1, next.previous == change.hash { checked[position] = false }
            }
        }
        signatureChecked = checked
        self.skewGuard = skewGuard
        self.wallMillis = wallMillis
        self.outcomes = Array(repeating: nil, count: order.count)
    }

    /// Starts the workers, runs `consume` — which takes the outcomes with ``outcome(at:)`` — and then stops the
    /// workers and waits for them, whether `consume` returned or threw; returns or rethrows what `consume` did.
    /// No thread is blocked while the workers finish.
    func verifying<Result>(
        isolation: isolated (any Actor)? = #isolation, _ consume: () async throws -> Result
    ) async throws -> Result {
        start()
        let result: Result
        do {
            result = try await consume()
        } catch {
            await stop()
            throw error
        }
        await stop()
        return result
    }

    /// Starts background workers, one per core (the consumer helps too when it would otherwise wait), none for tiny
    /// batches.
    private func start() {
        let count = order.count < 32 ? 0 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        startedWorkers = count
        for _ in 0..<count {
            workers.enter()
            DispatchQueue.global(qos: .userInitiated).async {
                while let position = self.claim() {
                    self.publish(self.verify(position), at: position)
                }
                self.workers.leave()
            }
        }
    }

    /// Stops the workers and waits for them without blocking the calling thread: each finishes the change it is
    /// verifying and claims no more; the continuation is resumed once the last one has returned.
    private func stop() async {
        condition.withLock { stopped = true }
        guard startedWorkers > 0 else { return }  // a small batch, verified by the consumer alone
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            workers.notify(queue: .global(qos: .userInitiated)) { finished.resume() }
        }
    }

    /// The outcome for the change at `position` in the processing order, verifying unclaimed work on the calling
    /// thread while it waits.
    func outcome(at position: Int) -> Outcome {
        condition.lock()
        while outcomes[position] == nil {
            if nextToClaim < order.count && !stopped {
                let claimed = nextToClaim
                nextToClaim += 1
                condition.unlock()
                let outcome = verify(claimed)
                condition.lock()
                outcomes[claimed] = outcome
            } else {
                condition.wait()
            }
        }
        let outcome = outcomes[position]!
        outcomes[position] = nil  // release the encoded bytes as soon as they are consumed
        condition.unlock()
        return outcome
    }

    /// Verifies a whole batch (in `order`) on every core before any of it is written, for a store whose writes
    /// are round trips to a server (PostgreSQL), where overlapping them with verification buys little.
    public static func verifyAll(
        batch: ReceivedChanges, order: [Int], options: ApplyOptions, skewGuard: HybridLogicalClock, wallMillis: Int64
    ) async -> [Outcome] {
        let verifier = PipelinedVerifier(
            batch: batch, order: order, checkSignatures: options.verifySignatures, authenticateRuns: options.authenticateRuns,
            skewGuard: skewGuard, wallMillis: wallMillis)
        verifier.start()
        let outcomes = order.indices.map { verifier.outcome(at: $0) }
        await verifier.stop()
        return outcomes
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, nextToClaim < order.count else { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }

    private func publish(_ outcome: Outcome, at position: Int) {
        condition.lock()
        outcomes[position] = outcome
        condition.broadcast()
        condition.unlock()
    }

    private func verify(_ position: Int) -> Outcome {
        let index = order[position], change = batch.changes[index]
        do throws(ChangeRejection) {
            // SPEC §5.3 order: structure, hash, signature, then clock skew.
            let encoded = try batch.verify(at: index, checkSignature: signatureChecked[position])
            do throws(ClockSkewError) {
                try skewGuard.checkSkew(change.hlc, origin: change.origin, wallMillis: wallMillis)
            } catch {
                throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .clockSkew(error))
            }
            return .success(encoded)
        } catch {
            return .failure(error)
        }
    }
}
