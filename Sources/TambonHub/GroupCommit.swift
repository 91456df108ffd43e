import Synchronization

/// Group commit: requests that arrive while a write is running are written together in the next one, so many
/// concurrent callers share one transaction and one fsync instead of queueing for one each. There is no background
/// task: the first caller to find no write running becomes the writer and writes batches until none is left, in its
/// own task (its request's); the others wait for their answers. Each caller is answered only after the batch holding
/// its item committed, so an answer never gets ahead of the disk.
///
/// Items whose keys clash (the same payment, the same bill) are never in the same batch: the later waits for the
/// next, so each batch's reads see the writes of the batches before it.
final class GroupCommit<Item: Sendable, Answer: Sendable>: Sendable {
    typealias Write = @Sendable ([Item]) async throws -> [Answer]

    private struct Waiting: Sendable {
        let item: Item
        let keys: [String]
        let answer: Promise<Answer>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let maximumBatch: Int
    private let write: Write

    init(maximumBatch: Int, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.write = write
    }

    /// `item`'s answer, once the batch that wrote it committed.
    func submit(_ item: Item, keys: [String]) async throws -> Answer {
        let answer = Promise<Answer>()
        let lead = state.withLock { state -> Bool in
            state.waiting.append(Waiting(item: item, keys: keys, answer: answer))
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if lead {
            // This caller writes until nothing waits; its own item is in the first batch.
            while let batch = nextBatch() {
                do {
                    let answers = try await write(batch.map(\.item))
                    for (waiting, answer) in zip(batch, answers) { waiting.answer.fulfil(.success(answer)) }
                } catch {
                    for waiting in batch { waiting.answer.fulfil(.failure(error)) }
                }
            }
        }
        return try await answer.value
    }

    /// The next batch, oldest first, with no two items sharing a key; nil (and writing ends) when none waits.
    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.writing = false
                return nil
            }
            var taken: [Waiting] = []
            var keys = Set<String>()
            var left: [Waiting] = []
            for waiting in state.waiting {
                if taken.count < maximumBatch, keys.isDisjoint(with: waiting.keys) {
                    keys.formUnion(waiting.keys)
                    taken.append(waiting)
                } else {
                    left.append(waiting)
                }
            }
            state.waiting = left
            return taken
        }
    }
}
