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
}
