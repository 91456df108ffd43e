import TambonCore

/// At most ``maximumPerNode`` requests of one node, and a budget of reads and of writes of all nodes, at a time at
/// the hub. A node sends one request at a time (SPEC §11), so two leaves room for a manual `tambon node sync` beside
/// `node serve`; anything hammering the hub gets 429 beyond that. Counted from the moment the claimed node is known
/// to be enrolled and active, before its body is read: a node's id is public, so a request under its name with a bad
/// signature still costs its body, and with each body bounded (8 MiB on the wire, 32 MiB decompressed) these slots
/// bound the hub's memory for bodies (the sync fuzzer measured 1.2 GB from 128 concurrent unsigned 8 MiB bodies
/// before).
///
/// Writes and reads have budgets of their own. The store applies one write at a time, so only ``maximumWrites``
/// pushes and uploads are in progress: one applying while the others read, inflate and verify their bodies on the
/// other cores. More would only wait inside the store holding their bodies, and ahead of every read's nonce.
///
/// A write beyond the budget waits its turn in a queue (first come, first served) of at most
/// ``maximumWaitingWrites``, for at most ``maximumWriteWait``, without its body read. Turning it away at once made
/// the national simulation's outage (1,000 offices pushing at once) drain at the speed of the offices' back-off:
/// the writer sat idle 40 % of the time while offices waited out their retries. Beyond the queue, or past the wait,
/// the write is refused with 429 `hub_busy` like a read beyond the read budget.
///
/// The queue holds no more than the writer can take within that wait at its current pace (``WritePace``): a write
/// that would only wait out the 30 s and be refused is refused at once instead. A write turned away is told when to
/// come back (`retry_after_s`, `Retry-After`): when the queue should be down to half of what a write may wait, so the
/// writes coming back find room while the writer still has work.
public actor NodeRequestLimiter {
    public static let maximumPerNode = 2
    /// All nodes' requests in progress at once (26 syncs a second at national scale, each a fraction of a second).
    public static let maximumTotal = 64
    /// Of them, pushes and attachment uploads: writes, which the store takes one at a time.
    public static let maximumWrites = 4
    /// Writes waiting for a write's slot, their bodies not yet read.
    public static let maximumWaitingWrites = 512
    /// How long a write waits for a slot before it is refused (a node's read timeout is 60 s).
    public static let maximumWriteWait = Duration.seconds(30)

    /// What a request costs the hub: a write (push, upload) or a read.
    public enum Kind: Sendable {
        case write, read
    }

    /// A waiting write's place: waiting (with the continuation that resumes it once it has suspended) or given a
    /// slot before it suspended.
    private enum Ticket {
        case waiting(CheckedContinuation<Void, any Error>?)
        case granted
    }

    private var reads = 0
    private var writes = 0
    private var inFlight: [NodeID: Int] = [:]
    /// Waiting writes in arrival order, and their state.
    private var queue: [Int] = []
    private var tickets: [Int: Ticket] = [:]
    private var nextTicket = 0
    private let writeWait: Duration
    private var pace = WritePace(slots: maximumWrites)
    /// When each node's writes in progress took their slots, oldest first: how long each held it (``WritePace``).
    private var writeStarts: [NodeID: [ContinuousClock.Instant]] = [:]

    /// `writeWait`: how long a write may wait for a slot (shorter in tests).
    public init(writeWait: Duration = maximumWriteWait) {
        self.writeWait = writeWait
    }

    /// With a pace already measured (tests).
    init(writeWait: Duration, pace: WritePace) {
        self.writeWait = writeWait
        self.pace = pace
    }

    /// Takes a slot for `node`, waiting for a write's; or refuses with 429 (`too_many_requests` for the node,
    /// `hub_busy` for the hub; retry after a second).
    public func enter(_ node: NodeID, kind: Kind = .read) async throws {
        let count = inFlight[node, default: 0]
        guard count < Self.maximumPerNode else {
            throw TambonError(
                .tooManyRequests, "too_many_requests",
                "node \(node.short)… already has \(count) requests in progress at the hub; wait for them", details: ["retry_after_s": 1])
        }
        switch kind {
        case .read:
            guard reads < Self.maximumTotal - Self.maximumWrites else { throw Self.busy("\(reads) reads in progress") }
            reads += 1
            inFlight[node] = count + 1
        case .write where writes < Self.maximumWrites:
            writes += 1
            inFlight[node] = count + 1
            writeStarts[node, default: []].append(.now)
        case .write:
            guard queue.count < Self.maximumWaitingWrites else { throw writeBusy("\(queue.count) writes waiting") }
            if let wait = pace.time(for: queue.count + 1), wait > writeWait {
                throw writeBusy("\(queue.count) writes waiting, about \(wait.components.seconds) s of work")
            }
            // Counted as the node's while it waits, so a node cannot queue more than its share.
            inFlight[node] = count + 1
            let ticket = nextTicket
            nextTicket += 1
            queue.append(ticket)
            tickets[ticket] = .waiting(nil)
            do {
                try await waitForTurn(ticket)
            } catch {
                release(node)
                throw error
            }
            writeStarts[node, default: []].append(.now)
        }
    }

    /// Waits until `ticket` is given a write's slot, or refuses once the wait is over or the request is cancelled.
    private func waitForTurn(_ ticket: Int) async throws {
        let wait = writeWait
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await self.turn(ticket) }
            group.addTask {
                // Returns early when cancelled: the ticket's turn came, or the request was abandoned.
                try? await Task.sleep(for: wait)
                await self.expire(ticket)
                return false
            }
            // The turn's `true`, or its refusal once expired; the timer's `false` only says to keep waiting for it.
            while let granted = try await group.next() {
                if granted {
                    group.cancelAll()
                    return
                }
            }
        }
    }

    /// Returns true once `ticket` has a write's slot; throws `hub_busy` if it expired first.
    private func turn(_ ticket: Int) async throws -> Bool {
        switch tickets[ticket] {
        case .granted:
            tickets[ticket] = nil
            return true
        case .waiting:
            try await withCheckedThrowingContinuation { tickets[ticket] = .waiting($0) }
            return true
        case nil:
            throw writeBusy("a write waited \(writeWait) for its turn")
        }
    }

    /// Takes `ticket` out of the queue if it is still waiting, and refuses it.
    private func expire(_ ticket: Int) {
        guard case .waiting(let continuation) = tickets[ticket] else { return }
        tickets[ticket] = nil
        queue.removeAll { $0 == ticket }
        continuation?.resume(throwing: writeBusy("a write waited \(writeWait) for its turn"))
    }

    public func leave(_ node: NodeID, kind: Kind = .read) {
        guard inFlight[node] != nil else { return }
        release(node)
        switch kind {
        case .read:
            reads -= 1
        case .write:
            if var starts = writeStarts[node], !starts.isEmpty {
                pace.completed(holding: ContinuousClock.Instant.now - starts.removeFirst())
                writeStarts[node] = starts.isEmpty ? nil : starts
            }
            // The slot passes to the first waiting write, or is freed.
            guard !queue.isEmpty else {
                writes -= 1
                return
            }
            let next = queue.removeFirst()
            if case .waiting(let continuation?) = tickets[next] {
                tickets[next] = nil
                continuation.resume()
            } else {
                tickets[next] = .granted
            }
        }
    }

    private func release(_ node: NodeID) {
        guard let held = inFlight[node] else { return }
        inFlight[node] = held > 1 ? held - 1 : nil
    }

    /// Requests of `node` in progress or waiting.
    public func count(_ node: NodeID) -> Int { inFlight[node, default: 0] }

    /// Writes waiting for a slot.
    public var waitingWrites: Int { queue.count }

    static func busy(_ reason: String) -> TambonError {
        TambonError(.tooManyRequests, "hub_busy", "the hub is busy (\(reason)); try again shortly", details: ["retry_after_s": 1])
    }

    /// A write turned away, told when the queue should have room for it.
    private func writeBusy(_ reason: String) -> TambonError {
        let seconds = pace.retryAfter(queued: queue.count, maximumWait: writeWait)
        return TambonError(
            .tooManyRequests, "hub_busy", "the hub is busy (\(reason)); try again in \(seconds) s",
            details: ["retry_after_s": .number(Double(seconds))])
    }
}
