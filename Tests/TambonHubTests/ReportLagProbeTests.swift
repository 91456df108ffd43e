import Synchronization
import Testing

@testable import TambonHub

/// `/metrics` is unauthenticated: however often it is asked for, the report index's lag is read from the
/// databases at most once per interval.
@Suite struct ReportLagProbeTests {
    struct Unreadable: Error {}

    /// The reads a probe made.
    final class Reads: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    @Test func manyRequestsWithinTheIntervalReadOnce() async throws {
        let reads = Reads()
        let probe = ReportLagProbe(interval: .seconds(3_600)) {
            reads.add()
            return 42
        }
        let values = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<50 { group.addTask { try await probe.value() } }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        #expect(reads.value == 1, "one read for 50 requests")
        // The request that read, and those after it, have the value; one that came while it was being read has none yet.
        #expect(values.contains(42))
        #expect(values.allSatisfy { $0 == 42 || $0 == nil })
        #expect(try await probe.value() == 42)
        #expect(reads.value == 1)
    }

    @Test func eachRequestPastTheIntervalReadsAgain() async throws {
        let reads = Reads()
        let probe = ReportLagProbe(interval: .zero) {
            reads.add()
            return Int64(reads.value)
        }
        #expect(try await probe.value() == 1)
        #expect(try await probe.value() == 2)
        #expect(reads.value == 2)
    }

    @Test func aFailedReadIsThrownOnceAndTheLastValueKept() async throws {
        let reads = Reads()
        let probe = ReportLagProbe(interval: .zero) {
            reads.add()
            if reads.value == 2 { throw Unreadable() }
            return 7
        }
        #expect(try await probe.value() == 7)
        await #expect(throws: Unreadable.self) { try await probe.value() }
        #expect(try await probe.value() == 7)
        #expect(reads.value == 3)
    }
}
