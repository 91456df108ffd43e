import Dispatch
import Foundation
import TambonCore

/// Verifies a batch of changes (structure, hash, signature, clock skew) on every core before the write
/// transaction starts: this is pure CPU work, and doing it outside the transaction keeps the writer lock short.
enum ParallelVerifier {
    static func verify(
        _ batch: [Change], checkSignatures: Bool, clock: HybridLogicalClock, wallMillis: Int64
    ) throws(ChangeRejection) -> [EncodedOperations] {
        let results = ResultBox(count: batch.count)
        let workers = max(1, min(ProcessInfo.activeCores, batch.count / 16))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < batch.count {
                let change = batch[index]
                do throws(ChangeRejection) {
                    do throws(ClockSkewError) {
                        try clock.checkSkew(change.hlc, origin: change.origin, wallMillis: wallMillis)
                    } catch {
                        throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .clockSkew(error))
                    }
                    results.store(.success(try ChangeValidator.verify(change, checkSignature: checkSignatures)), at: index)
                } catch {
                    results.store(.failure(error), at: index)
                }
                index += workers
            }
        }
        var encoded: [EncodedOperations] = []
        encoded.reserveCapacity(batch.count)
        for index in 0..<batch.count {
            encoded.append(try results.take(index).get())
        }
        return encoded
    }

    /// One slot per change, each written by exactly one worker and read after all workers finish.
    private final class ResultBox: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Result<EncodedOperations, ChangeRejection>?>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func store(_ result: Result<EncodedOperations, ChangeRejection>, at index: Int) {
            slots[index] = result
        }

        func take(_ index: Int) -> Result<EncodedOperations, ChangeRejection> {
            slots[index]!
        }
    }
}

extension ProcessInfo {
    static var activeCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
