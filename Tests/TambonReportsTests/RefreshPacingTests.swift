import TambonReports
import Testing

/// The background refresh of the report index waits out bursts of changes, and never longer than its bound.
@Suite struct RefreshPacingTests {
    /// A tick every 15 s: what the refresher decides at each, the feed advancing `arrivals[i]` changes before tick i.
    private func run(_ pacing: RefreshPacing, arrivals: [Int64]) -> [RefreshPacing.Decision] {
        var pacing = pacing
        var position: Int64 = 1_000
        var decisions: [RefreshPacing.Decision] = []
        for (tick, arrived) in arrivals.enumerated() {
            position += arrived
            let now = Duration.seconds(15 * tick)
            let decision = pacing.decide(position: position, at: now)
            if decision == .refresh { pacing.refreshed(at: now) }
            decisions.append(decision)
        }
        return decisions
    }

    @Test func steadyTrafficRefreshesAtEveryTick() {
        // 26 changes a second: the country's steady state.
        let decisions = run(RefreshPacing(burstRate: 500), arrivals: [0, 390, 390, 390, 0])
        #expect(decisions == Array(repeating: .refresh, count: 5))
    }

    @Test func aBurstDefersUntilItEnds() {
        // 3,000 changes a second for three ticks, then quiet again.
        let decisions = run(RefreshPacing(burstRate: 500), arrivals: [0, 45_000, 45_000, 45_000, 100, 0])
        #expect(
            decisions == [
                .refresh,
                .deferred(changesPerSecond: 3_000, waited: .seconds(15)),
                .deferred(changesPerSecond: 3_000, waited: .seconds(30)),
                .deferred(changesPerSecond: 3_000, waited: .seconds(45)),
                .refresh, .refresh,
            ])
    }

    @Test func aLongBurstStillRefreshesWithinTheBound() {
        let pacing = RefreshPacing(burstRate: 500, maximumDeferral: .seconds(30))
        let decisions = run(pacing, arrivals: [0] + Array(repeating: 15_000, count: 6))
        // Deferred at 15 s, refreshed at 30 s (the bound), then the same again.
        #expect(decisions.map { $0 == .refresh } == [true, false, true, false, true, false, true])
    }

    @Test func theFirstTickRefreshesWhateverArrives() {
        var pacing = RefreshPacing(burstRate: 1)
        #expect(pacing.decide(position: 10_000_000, at: .zero) == .refresh)
        // Without a refresh recorded, a burst does not hold the index back: nothing bounds the wait yet.
        #expect(pacing.decide(position: 20_000_000, at: .seconds(1)) == .refresh)
    }

    @Test func oddClocksAndPositionsNeitherTrapNorDefer() {
        var pacing = RefreshPacing(burstRate: 500)
        #expect(pacing.decide(position: 1_000_000, at: .seconds(10)) == .refresh)
        pacing.refreshed(at: .seconds(10))
        // A feed that went back (a restored hub) arrives nothing.
        #expect(pacing.decide(position: 5, at: .seconds(20)) == .refresh)
        // A clock that did not move: no rate to judge by.
        #expect(pacing.decide(position: .max, at: .seconds(20)) == .refresh)
        // The largest jump in the shortest tick is a burst, clamped, not a trap.
        _ = pacing.decide(position: 0, at: .seconds(21))
        #expect(
            pacing.decide(position: .max, at: .seconds(21) + .nanoseconds(1))
                == .deferred(changesPerSecond: 1_000_000_000_000_000, waited: .seconds(11) + .nanoseconds(1)))
    }
}
