import TambonCore
import TambonSync
import Testing

@Suite struct SyncScheduleTests {
    @Test func syncsAtLeastOnceAMinuteAndSoonAfterALocalWrite() {
        var schedule = SyncSchedule(now: 0)
        #expect(schedule.isDue(now: 0), "the first round runs at start")
        schedule.succeeded(now: 0)
        #expect(!schedule.isDue(now: 59_999) && schedule.isDue(now: 60_000))
        schedule.localWrite(now: 10_000)
        #expect(!schedule.isDue(now: 11_999) && schedule.isDue(now: 12_000))
        schedule.localWrite(now: 11_000)
        #expect(schedule.due == 12_000, "a burst of writes goes in one round")
    }

    @Test func backsOffExponentiallyWithJitterCappedAtAMinute() {
        var schedule = SyncSchedule(now: 0)
        var delays: [Int64] = []
        for _ in 0..<12 {
            schedule.failed(now: 0, jitter: 1)
            delays.append(schedule.due)
        }
        #expect(delays.prefix(7) == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000])
        #expect(delays.allSatisfy { $0 <= 60_000 }, "a returning link is used within a minute")
        var low = SyncSchedule(now: 0)
        low.failed(now: 0, jitter: 0)
        #expect(low.due == 500, "jitter spreads retries between half and all of the backoff")
        // A local write does not cut a backoff short; a success resets it.
        schedule.localWrite(now: 0)
        #expect(schedule.due == 60_000)
        schedule.succeeded(now: 100_000)
        #expect(schedule.failures == 0 && schedule.due == 160_000)
        schedule.failed(now: 200_000, jitter: 1)
        #expect(schedule.due == 201_000)
    }

    @Test func aBusyHubsRetryAfterIsFollowedWithinBounds() {
        var schedule = SyncSchedule(now: 0)
        schedule.failed(now: 1_000, jitter: 0, retryAfterSeconds: 15)
        #expect(schedule.due == 16_000, "the hub said 15 s")
        schedule.failed(now: 1_000, jitter: 1, retryAfterSeconds: 15)
        #expect(schedule.due == 23_500, "spread over half as long again")
        // Past the exponential cap: the hub knows its queue.
        schedule.failed(now: 0, jitter: 0, retryAfterSeconds: 90)
        #expect(schedule.due == 90_000)
        // Whatever a hub says: at least a second, at most ten minutes.
        schedule.failed(now: 0, jitter: 0, retryAfterSeconds: 0)
        #expect(schedule.due == 1_000)
        schedule.failed(now: 0, jitter: 0, retryAfterSeconds: .max)
        #expect(schedule.due == 600_000)
        schedule.failed(now: 0, jitter: 0, retryAfterSeconds: .min)
        #expect(schedule.due == 1_000)
        // A jitter that is not a number is taken as none, never a trap.
        for jitter in [Double.nan, .infinity, -.infinity] {
            schedule.failed(now: 0, jitter: jitter, retryAfterSeconds: 15)
            #expect(schedule.due == 15_000)
            var fresh = SyncSchedule(now: 0)
            fresh.failed(now: 0, jitter: jitter)
            #expect(fresh.due == 500)
        }
        schedule.failed(now: 0, jitter: 0.5, retryAfterSeconds: 15)
        #expect(schedule.due == 18_750, "a quarter more for a jitter of a half")
    }

    @Test func noSettingOverflowsTheDelay() {
        var schedule = SyncSchedule(now: 0)
        schedule.maximumBackoff = .max
        for _ in 0..<40 { schedule.failed(now: 0, jitter: 1) }
        #expect(schedule.due == 1_000 << 20, "the exponential stops doubling after 20 failures")
        schedule.failed(now: 0, jitter: 0)
        #expect(schedule.due == 1_000 << 19)
    }

    @Test func onlyABusyHubsRetryAfterIsTaken() {
        let busy = TambonError(.tooManyRequests, "hub_busy", "busy", details: ["retry_after_s": 12])
        #expect(SyncSchedule.retryAfterSeconds(of: busy) == 12)
        let node = TambonError(.tooManyRequests, "too_many_requests", "two in progress", details: ["retry_after_s": 12])
        #expect(SyncSchedule.retryAfterSeconds(of: node) == nil)
        #expect(SyncSchedule.retryAfterSeconds(of: TambonError(.tooManyRequests, "hub_busy", "busy", details: ["retry_after_s": 1.5])) == nil)
        #expect(SyncSchedule.retryAfterSeconds(of: TambonError(.tooManyRequests, "hub_busy", "busy", details: ["retry_after_s": "9"])) == nil)
        struct Other: Error {}
        #expect(SyncSchedule.retryAfterSeconds(of: Other()) == nil)
    }
}
