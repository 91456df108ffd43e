import NIOCore
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync
import TambonTestSupport

/// One simulated office node for the national benchmark: no store, only what the protocol needs — its key, its
/// chain (seq and last hash), its clock, its request nonce and its pull cursor — so 7,850 of them fit in one
/// process. Its changes are real: signed, chained, and judged by the hub's authority rules like any node's.
actor BenchOffice {
    nonisolated let office: String
    nonisolated let identity: NodeIdentity
    nonisolated let hub: NodeID
    private var seq: Int64 = 0
    private var previous: [UInt8]?
    private var clock = HLC.zero
    private var nonce: Int64 = 0
    private(set) var cursor: Int64
    private var records = 0
    private var random: SeededGenerator
    /// The node's own back-off after a refused or failed request (``SyncSchedule``, as `node serve` uses it).
    private var schedule = SyncSchedule(now: 0)
    /// Requests the hub turned away (429 busy, or no answer) and this office sent again.
    private(set) var retries = 0

    init(office: String, identity: NodeIdentity, hub: NodeID, cursor: Int64) {
        self.office = office
        self.identity = identity
        self.hub = hub
        self.cursor = cursor
        random = SeededGenerator(seed: UInt64(office) ?? 1)
    }

    /// The signer of this office's requests.
    nonisolated var signer: RequestSigner {
        RequestSigner(
            node: identity.id, hub: hub, nextNonce: { await self.nextNonce() }, advanceNonce: { await self.advanceNonce(past: $0) },
            sign: { [identity] in identity.sign($0) }, wallClock: StoreConfiguration.systemMillis)
    }

    private func nextNonce() -> Int64 {
        nonce += 1
        return nonce
    }

    private func advanceNonce(past last: Int64) {
        nonce = max(nonce, last)
    }

    /// `count` new changes, chained after this office's last: each a new application of the office, at some stage
    /// of its workflow, with its events (what `SyntheticApplication` makes for the report benchmark).
    func changes(_ count: Int) -> [Change] {
        var made: [Change] = []
        made.reserveCapacity(count)
        for _ in 0..<count {
            let now = UInt64(StoreConfiguration.systemMillis())
            clock = now > clock.millis ? HLC(millis: now, counter: 0) : HLC(millis: clock.millis, counter: clock.counter &+ 1)
            seq += 1
            records += 1
            let edit = SyntheticApplication.edit(
                collection: "applications", office: office, index: 1_000_000 + records, now: Int64(now), withinDays: 30, random: &random)
            let change = Change(
                origin: identity.id, seq: seq, hlc: clock, collection: edit.collection, record: edit.record, scope: [office],
                operations: edit.fields.keys.sorted().map { .set(field: $0, value: edit.fields[$0]!) }
                    + edit.elements.map { .add(field: $0.field, id: $0.id, value: $0.value) },
                previous: previous
            ).signed(by: identity)
            previous = change.hash
            made.append(change)
        }
        return made
    }

    /// The body of a push of `changes`, as a node sends it (canonical, compressed when large).
    static func pushBody(_ changes: [Change]) throws -> EncodedBody {
        try pushBody(stored: changes.map(StoredChange.init))
    }

    /// The body of a push of changes as a node's store holds them.
    static func pushBody(stored changes: [StoredChange]) throws -> EncodedBody {
        try EncodedBody.encode(bytes: ChangeBatchWriter.message(["protocol": .number(Double(SyncProtocol.version))], changes: changes))
    }

    /// Pushes `body` (ending at seq `last`) and checks the hub accepted it all.
    func push(_ body: EncodedBody, last: Int64, over transport: some HubTransport) async throws {
        let response = try await retrying {
            try await transport.post(SyncProtocol.Path.push, body: body, signer: signer, deadline: .seconds(600))
        }
        let accepted = try SyncMessage.integer(response.members, "accepted_seq")
        guard accepted >= last else {
            throw TambonError(.badResponse, "bench", "office \(office): the hub accepted up to #\(accepted) of a push ending at #\(last)")
        }
    }

    /// Runs `request`; when the hub turns it away (429: busy) or does not answer, waits as a node's schedule would
    /// (the hub's `retry_after_s` if it gave one, else exponential back-off with jitter, at most a minute) and sends
    /// it again, up to 30 times.
    private func retrying<T: Sendable>(_ request: () async throws -> T) async throws -> T {
        var attempts = 0
        while true {
            do {
                let result = try await request()
                schedule.succeeded(now: StoreConfiguration.systemMillis())
                return result
            } catch let error as TambonError where (error.kind == .tooManyRequests || error.kind == .unavailable) && attempts < 30 {
                attempts += 1
                retries += 1
                let now = StoreConfiguration.systemMillis()
                schedule.failed(
                    now: now, jitter: Double.random(in: 0...1, using: &random), retryAfterSeconds: SyncSchedule.retryAfterSeconds(of: error))
                try await Task.sleep(for: .milliseconds(max(1, schedule.due - now)))
            }
        }
    }

    /// Pulls every page after this office's cursor; returns how many changes came.
    func pull(over transport: some HubTransport) async throws -> Int {
        var pulled = 0
        while true {
            let body: JSONValue = [
                "protocol": .number(Double(SyncProtocol.version)), "after": .number(Double(cursor)),
                "limit": .number(Double(SyncProtocol.maximumPullChanges)),
            ]
            let response = try await retrying {
                try await transport.post(SyncProtocol.Path.pull, body: body, signer: signer, deadline: .seconds(600))
            }
            pulled += try SyncMessage.changes(response.members).count
            cursor = try SyncMessage.integer(response.members, "cursor")
            guard response.members["more"] == .bool(true) else { return pulled }
        }
    }

    /// One sync as a node runs it: its new changes pushed, then the office's feed pulled.
    func sync(newChanges: Int, over transport: some HubTransport) async throws {
        if newChanges > 0 {
            let batch = changes(newChanges)
            try await push(try Self.pushBody(batch), last: batch[batch.count - 1].seq, over: transport)
        }
        _ = try await pull(over: transport)
    }
}
