import HTTPTypes
import TambonCore
import Testing

@testable import TambonHub

/// The hub's write pace: how long a write would wait, and when a write turned away should come back.
@Suite struct WritePaceTests {
    @Test func anUnknownPaceAdmitsAndAsksForASecond() {
        let pace = WritePace(slots: 4)
        #expect(pace.perSecond == nil)
        #expect(pace.time(for: 500) == nil)
        #expect(pace.retryAfter(queued: 500, maximumWait: .seconds(30)) == 1)
    }

    @Test func fourSlotsHeldSixHundredMillisecondsMakeAboutSevenWritesASecond() throws {
        var pace = WritePace(slots: 4)
        pace.completed(holding: .milliseconds(600))
        let perSecond = try #require(pace.perSecond)
        #expect(abs(perSecond - 4 / 0.6) < 0.001)
        // 200 queued: 30 s of work; come back when 15 s of it is left.
        #expect(pace.time(for: 200) == .seconds(30))
        #expect(pace.retryAfter(queued: 200, maximumWait: .seconds(30)) == 15)
        // A short queue: at least a second. A huge one: at most the ceiling.
        #expect(pace.retryAfter(queued: 10, maximumWait: .seconds(30)) == 1)
        #expect(pace.retryAfter(queued: 1_000_000, maximumWait: .seconds(30)) == 300)
    }

    @Test func thePaceFollowsBigPushesWithinTenWrites() throws {
        var pace = WritePace(slots: 4)
        // Idle: one-change pushes hold a slot 10 ms. Then the outage's 500-change pushes hold it 600 ms.
        for _ in 0..<50 { pace.completed(holding: .milliseconds(10)) }
        #expect(try #require(pace.perSecond) > 300)
        for _ in 0..<10 { pace.completed(holding: .milliseconds(600)) }
        let perSecond = try #require(pace.perSecond)
        #expect(perSecond > 4 / 0.6 && perSecond < 4 / 0.6 * 1.15, "within 15 % of the new pace: \(perSecond)")
    }

    @Test func oddDurationsNeitherTrapNorStop() {
        var pace = WritePace(slots: 4)
        pace.completed(holding: .zero)
        #expect(pace.perSecond == nil, "writes that take no time give no pace")
        pace.completed(holding: .seconds(-5))
        #expect(pace.retryAfter(queued: .max, maximumWait: .seconds(30)) == 1)
        pace.completed(holding: .seconds(Int64.max / 2))
        #expect(pace.time(for: .max) == .seconds(86_400), "bounded at a day")
        var fast = WritePace(slots: 4)
        fast.completed(holding: .nanoseconds(1))
        #expect(fast.time(for: .max) == .seconds(86_400), "even at a billion writes a second")
        #expect(pace.retryAfter(queued: .max, maximumWait: .seconds(30)) == 300)
    }

    /// With the writer's pace known, the queue takes no more than it can serve within a write's wait, and the write
    /// turned away is told when to come back.
    @Test func theQueueHoldsWhatTheWaitAllowsAndTellsTheRestWhenToComeBack() async throws {
        var pace = WritePace(slots: NodeRequestLimiter.maximumWrites)
        pace.completed(holding: .seconds(1))  // 4 writes a second
        let limiter = NodeRequestLimiter(writeWait: .seconds(5), pace: pace)
        let writers = try await NodeRequestLimiterTests.fillWrites(limiter)
        // 5 s at 4 a second: 20 may wait.
        let waiting = (0..<20).map { _ in NodeIdentity().id }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in waiting { group.addTask { try await limiter.enter(node, kind: .write) } }
            try await NodeRequestLimiterTests.waitUntilQueued(limiter, waiting.count)
            let started = ContinuousClock.now
            await #expect { try await limiter.enter(NodeIdentity().id, kind: .write) } throws: { error in
                let refusal = HubRefusal(error)
                // 20 queued is 5 s of work; come back when 2.5 s is left.
                return refusal.status.code == 429 && refusal.error.code == "hub_busy" && refusal.error.details["retry_after_s"] == 3
            }
            #expect(ContinuousClock.now - started < .seconds(4), "refused at once, not after waiting out the 5 s")
            #expect(await limiter.waitingWrites == waiting.count)
            // The writers finish; the waiting take their slots.
            for node in writers { await limiter.leave(node, kind: .write) }
            for _ in 0..<4 { try await group.next() }
            group.cancelAll()
            while await group.nextResult() != nil {}
        }
    }
}
