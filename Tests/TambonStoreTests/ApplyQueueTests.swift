import TambonStore
import Testing

/// Batch applies take their turn one at a time, in the order they asked, and a failed one passes its turn on.
@Suite struct ApplyQueueTests {
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

    @Test func batchesTakeTurnsInArrivalOrderOneAtATime() async throws {
        let queue = ApplyQueue()
        let journal = Journal()
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let names = ["second", "third", "fourth"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The first holds its turn until released; the others queue behind it, in the order they arrive.
            group.addTask {
                try await queue.inTurn {
                    await journal.enter("first")
                    for await _ in release { break }
                    await journal.leave()
                }
            }
            while await journal.entries.isEmpty { await Task.yield() }
            for (position, name) in names.enumerated() {
                group.addTask {
                    try await queue.inTurn {
                        await journal.enter(name)
                        try await Task.sleep(for: .milliseconds(5))
                        await journal.leave()
                    }
                }
                while queue.queued < position + 1 { await Task.yield() }
            }
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
        let queue = ApplyQueue()
        await #expect(throws: Refused.self) { try await queue.inTurn { throw Refused() } }
        let value = try await queue.inTurn { 42 }
        #expect(value == 42, "the turn was given back after the failure")
    }
}
