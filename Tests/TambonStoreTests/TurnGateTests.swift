import TambonStore
import Testing

/// Callers take their turn in the order they asked, as many at once as the gate has permits, and a failed one passes
/// its turn on.
@Suite struct TurnGateTests {
    /// What the batches did, in order, and how many were in their turn at once at most.
    actor Journal {
        var entries: [String] = []
        var inside = 0
        var mostInside = 0

        func enter(_ name: String) {
            entries.append(name)
            inside += 1
            mostInside = max(mostInside, inside)
        }

        func leave() { inside -= 1 }
    }

    /// Shut until opened, for any number of waiters.
    actor Latch {
        private var opened = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            guard !opened else { return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func open() {
            opened = true
            for continuation in waiting { continuation.resume() }
            waiting = []
        }
    }

    /// Adds a task per name to `group` that takes its turn at `gate`, briefly, each one queued before the next is
    /// added, so their arrival order is the names' order.
    static func queue(_ names: [String], at gate: TurnGate, journal: Journal, in group: inout ThrowingTaskGroup<Void, any Error>) async {
        for (position, name) in names.enumerated() {
            group.addTask {
                try await gate.inTurn {
                    await journal.enter(name)
                    try await Task.sleep(for: .milliseconds(2))
                    await journal.leave()
                }
            }
            while gate.queued < position + 1 { await Task.yield() }
        }
    }

    @Test func batchesTakeTurnsInArrivalOrderOneAtATime() async throws {
        let queue = TurnGate()
        let journal = Journal()
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let names = ["second", "third", "fourth"]
        try await withThrowingTaskGroup(of: Void.self, returning: Void.self) { group in
            // The first holds its turn until released; the others queue behind it, in the order they arrive.
            group.addTask {
                try await queue.inTurn {
                    await journal.enter("first")
                    for await _ in release { break }
                    await journal.leave()
                }
            }
            while await journal.entries.isEmpty { await Task.yield() }
            await Self.queue(names, at: queue, journal: journal, in: &group)
            #expect(await journal.entries == ["first"], "nobody passes a batch still in its turn")
            releaser.yield()
            try await group.waitForAll()
        }
        #expect(await journal.entries == ["first"] + names)
        #expect(await journal.mostInside == 1, "one batch in its turn at a time")
        #expect(queue.queued == 0)
    }

    @Test func aFailedBatchPassesItsTurnOn() async throws {
        struct Refused: Error {}
        let queue = TurnGate()
        await #expect(throws: Refused.self) { try await queue.inTurn { throw Refused() } }
        let value = try await queue.inTurn { 42 }
        #expect(value == 42, "the turn was given back after the failure")
    }

    @Test func aGateOfThreeLetsThreeInAtOnceInArrivalOrder() async throws {
        let gate = TurnGate(permits: 3)
        let journal = Journal()
        let release = Latch()
        try await withThrowingTaskGroup(of: Void.self, returning: Void.self) { group in
            // Three hold their permits until released; seven more queue behind them in the order they arrive.
            for name in ["a", "b", "c"] {
                group.addTask {
                    try await gate.inTurn {
                        await journal.enter(name)
                        await release.wait()
                        await journal.leave()
                    }
                }
            }
            while await journal.entries.count < 3 { await Task.yield() }
            let later = (1...7).map { "later\($0)" }
            await Self.queue(later, at: gate, journal: journal, in: &group)
            #expect(await journal.entries.count == 3, "nobody passes while three hold the permits")
            await release.open()
            try await group.waitForAll()
            #expect(Array(await journal.entries.dropFirst(3)) == later, "the waiting go in arrival order")
        }
        #expect(await journal.mostInside == 3)
        #expect(gate.queued == 0)
    }
}
