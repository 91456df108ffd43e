import Logging
import Synchronization
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import Testing

@testable import TambonReports

/// The background refresh yields to queued writes, for a bounded time.
@Suite struct ReportRefresherTests {
    static func applications(_ count: Int, from first: Int, in store: Store) async throws {
        var random = SeededGenerator(seed: UInt64(first + 1))
        _ = try await store.write(
            (first..<(first + count)).map {
                SyntheticApplication.edit(
                    collection: ApplicationRecord.collection, office: "5001", index: $0, now: 1_800_000_000_000, withinDays: 200,
                    random: &random)
            })
    }

    @Test func aRoundIsPutOffWhileWritesAreQueuedAndNotForLonger() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        let index = try ReportIndex(store: store, today: { CivilDate(thaiDayOf: 1_800_000_000_000) })
        let busy = Mutex(true)
        let refresher = ReportRefresher(
            index: index, logger: Logger(label: "test"), maximumDeferral: .seconds(60), busy: { busy.withLock { $0 } })
        #expect(await refresher.shouldDefer(since: refresher.clock.now), "busy, and just refreshed")
        #expect(!(await refresher.shouldDefer(since: refresher.clock.now - .seconds(61))), "busy, but put off long enough")
        busy.withLock { $0 = false }
        #expect(!(await refresher.shouldDefer(since: refresher.clock.now)), "not busy")

        // The loop: its first round refreshes whatever is asked; then, busy, it puts every round off.
        try await Self.applications(3, from: 0, in: store)
        busy.withLock { $0 = true }
        let asked = Mutex(0)
        let looping = ReportRefresher(
            index: index, logger: Logger(label: "test"), interval: .milliseconds(5), maximumDeferral: .seconds(60),
            busy: {
                asked.withLock { $0 += 1 }; return true
            })
        let running = Task { try await looping.run() }
        while asked.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(2)) }
        try await Self.applications(4, from: 3, in: store)
        while asked.withLock({ $0 }) < 20 { try await Task.sleep(for: .milliseconds(2)) }
        running.cancel()
        _ = await running.result
        #expect(try await index.refresh() == 4, "the first round indexed 3; the 4 written while busy waited")
    }
}
