import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTestSupport
import TambonWebKit
import Testing

/// Sync rounds against the hub's own application in this process, through ``InMemoryHubTransport``: no TLS, no
/// socket, and links that are cut exactly where a test says.
@Suite struct InMemorySyncTests {
    /// A hub store and its routes; nodes reach them through their own in-memory transports.
    struct Hub {
        let store: Store
        let clock: ManualClock
        let responder: RouterResponder<TambonRequestContext>

        init(clock: ManualClock = ManualClock()) async throws {
            self.clock = clock
            store = try Store.inMemory(configuration: clock.configuration)
            try await store.initialiseNode(office: Store.hubOffice, name: "in-memory hub")
            responder = try await InMemoryHubTransport.hub(store, logger: quietLogger)
        }

        /// A new node of `office`, enrolled over its own transport.
        /// `clock`: the node machine's own clock (the hub's unless given).
        func node(
            office: String, role: Peer.Role = .office, maximumPushChanges: Int = SyncProtocol.maximumPushChanges, clock: ManualClock? = nil
        ) async throws -> Node {
            let store = try Store.inMemory(configuration: (clock ?? self.clock).configuration)
            try await store.initialiseNode(office: office, name: "node of \(office)")
            let transport = InMemoryHubTransport(responder: responder, maximumPushChanges: maximumPushChanges, logger: quietLogger)
            let token = try await self.store.peers.createEnrolmentToken(office: office, role: role)
            try await NodeEnrolment.join(store: store, transport: transport, url: "https://hub.test", caPEM: "", token: token)
            return Node(store: store, transport: transport)
        }

        /// The changes nodes pushed that the hub holds (its own roster entries left out).
        func pushedChanges() async throws -> Int64 {
            try await store.peers.all().reduce(0) { $0 + $1.acceptedSeq }
        }
    }

    struct Node {
        let store: Store
        let transport: InMemoryHubTransport

        @discardableResult
        func sync() async throws -> SyncReport {
            try await SyncEngine(store: store, transport: transport, logger: quietLogger).round(deadline: .seconds(30))
        }

        func signer() async throws -> RequestSigner {
            let node = try #require(try await store.node())
            let link = try #require(try await store.hubLink())
            return .store(store, node: node.id, hub: link.hubID)
        }
    }

    /// A pull page is cut by size as well as by count (found by the sync fuzzer): twelve changes of 900 KB would make
    /// a 10 MB page, more than a node reads; they come in pages under 6 MiB and all arrive.
    @Test func aPullPageOfLargeChangesIsCutBySize() async throws {
        let hub = try await Hub()
        let writer = try await hub.node(office: "6500101")
        let reader = try await hub.node(office: "6500101", role: .survey)
        let big = String(repeating: "ก", count: 300_000)  // 900 KB of UTF-8
        for index in 0..<12 {
            try await writer.store.write(collection: "applications", record: "6500101.big-\(index)", set: ["text": .string(big)])
        }
        try await writer.sync()
        let report = try await reader.sync()
        #expect(report.pulled >= 12 && report.pullRequests >= 2, "\(report.pulled) changes in \(report.pullRequests) pulls")
        #expect(try await reader.store.digest(scope: "6500101") == (try await hub.store.digest(scope: "6500101")))
    }

    @Test func pushAndPullConvergeThroughTheHubsRouterWithNoTLS() async throws {
        let hub = try await Hub()
        let office = try await hub.node(office: "6500101")
        let survey = try await hub.node(office: "6500101", role: .survey)
        let other = try await hub.node(office: "6500102")
        for index in 0..<5 {
            try await office.store.write(collection: "applications", record: "6500101.app-\(index)", set: ["area": .number(Double(100 + index))])
        }
        try await survey.store.write(
            collection: "applications", record: "6500101.app-0", add: [SetElement(field: "attachments", id: "v1", value: "pass")])
        try await other.store.write(collection: "applications", record: "6500102.app-9", set: ["area": 80])

        let pushed = try await office.sync()
        #expect(pushed.pushed == 5 && pushed.pushRequests == 1)
        #expect(office.transport.paths.contains(SyncProtocol.Path.push))
        try await survey.sync()
        try await other.sync()
        let pulled = try await office.sync()
        #expect(pulled.pushed == 0 && pulled.pulled == 1, "the office receives the survey node's inspection")

        let digest = try await hub.store.digest(scope: "6500101")
        #expect(try await office.store.digest(scope: "6500101") == digest)
        #expect(try await survey.store.digest(scope: "6500101") == digest)
        #expect(try await survey.store.record(collection: "applications", id: "6500101.app-4")?.fields["area"] == 104)
        #expect(try await office.store.record(collection: "applications", id: "6500101.app-0")?.sets["attachments"]?["v1"] == "pass")
        #expect(try await other.store.record(collection: "applications", id: "6500101.app-0") == nil, "office B never receives office A's records")
        #expect(try await office.store.pendingCount() == 0)
        #expect(try await office.store.hubLink()?.lastError == nil)
    }

    @Test func aRefusalComesBackAsItsKindAndIsRecorded() async throws {
        let hub = try await Hub()
        let node = try await hub.node(office: "6500101")
        try await node.store.write(collection: "applications", record: "6500101.app-1", set: ["area": 120])
        try await hub.store.peers.revoke(node: try #require(try await node.store.node()).id)
        do {
            try await node.sync()
            Issue.record("a revoked node synced")
        } catch let refusal as TambonError {
            #expect(refusal.kind == .forbidden && refusal.kind == TambonError.Kind(httpStatus: 403))
            #expect(refusal.code.rawValue == "revoked_node")
        }
        #expect(try await node.store.hubLink()?.lastError?.contains("revoked") == true)
        #expect(try await hub.store.record(collection: "applications", id: "6500101.app-1") == nil)

        // A body the hub cannot read: 400, read back as `.invalid`, with the hub's code and message.
        let other = try await hub.node(office: "6500102")
        let signer = try await other.signer()
        do {
            _ = try await other.transport.send("/v1/pull", bytes: Array("{\"after\":".utf8), signer: signer, nonce: try await signer.nextNonce())
            Issue.record("a malformed pull was answered")
        } catch let refusal as TambonError {
            #expect(refusal.kind == .invalid && refusal.code.rawValue == "malformed_json" && refusal.english.count > 10)
        }
    }

    @Test func aCutPushHalvesTheNextBatchAndTheNextRoundResumes() async throws {
        let hub = try await Hub()
        let node = try await hub.node(office: "6500101", maximumPushChanges: 8)
        for index in 0..<20 {
            try await node.store.write(collection: "fees", record: "6500101.bill-\(index)", set: ["amount": .number(Double(index))])
        }
        node.transport.cutNext(SyncProtocol.Path.push)
        await #expect { try await node.sync() } throws: { ($0 as? TambonError)?.kind == .unavailable }
        #expect(node.transport.sizing.push.size == 4, "the cut halved the batch")
        #expect(try await hub.pushedChanges() == 0)

        // The next push carries the halved batch: the hub applies it, and this answer is lost too.
        node.transport.cutNext(SyncProtocol.Path.push, handled: true)
        await #expect { try await node.sync() } throws: { ($0 as? TambonError)?.kind == .unavailable }
        #expect(try await hub.pushedChanges() == 4, "the batch after the cut held 4 changes, not 8")
        #expect(node.transport.sizing.push.size == 2)

        let report = try await node.sync()
        #expect(report.pushed == 20 && report.pushRequests >= 3)
        #expect(node.transport.sizing.push.size == 8, "each answered push doubled the size back")
        #expect(try await hub.pushedChanges() == 20)
        #expect(try await node.store.pendingCount() == 0)
    }

    @Test func anAnswerLostAfterTheHubAppliedIsRepeatedHarmlessly() async throws {
        let hub = try await Hub()
        let writer = try await hub.node(office: "6500101")
        let reader = try await hub.node(office: "6500101", role: .survey)
        for index in 0..<6 {
            try await writer.store.write(collection: "fees", record: "6500101.bill-\(index)", set: ["amount": .number(Double(index))])
        }
        writer.transport.cutNext(SyncProtocol.Path.push, handled: true)
        await #expect { try await writer.sync() } throws: { ($0 as? TambonError)?.kind == .unavailable }
        #expect(try await hub.pushedChanges() == 6, "the hub applied the push whose answer was lost")
        #expect(try await writer.store.pendingCount() == 6)
        #expect(try await writer.sync().pushed == 6, "sent again")
        #expect(try await hub.pushedChanges() == 6, "and not applied twice")
        #expect(try await writer.store.pendingCount() == 0)

        reader.transport.cutNext(SyncProtocol.Path.pull, handled: true)
        let maximum = reader.transport.sizing.pull.size
        await #expect { try await reader.sync() } throws: { ($0 as? TambonError)?.kind == .unavailable }
        #expect(reader.transport.sizing.pull.size == maximum / 2)
        // The six bills and the roster entries of both nodes (published at their enrolment).
        #expect(try await reader.sync().pulled == 8)
        #expect(try await reader.store.digest(scope: "6500101") == hub.store.digest(scope: "6500101"))
    }

    @Test func aNonceCounterBehindTheHubsIsMovedPastItOnce() async throws {
        let hub = try await Hub()
        let node = try await hub.node(office: "6500101")
        let signer = try await node.signer()
        // Another process on the same directory got far ahead (nonce 1000), so this counter is behind the hub's.
        _ = try await node.transport.send(
            SyncProtocol.Path.pull, bytes: SyncMessage.encode(["protocol": 2, "after": 0, "limit": 1]),
            signer: signer, nonce: 1000)
        try await node.store.write(collection: "applications", record: "6500101.app-1", set: ["area": 1])
        #expect(try await node.sync().pushed == 1)
        #expect(try await signer.nextNonce() > 1000, "the counter moved past the hub's last nonce")
    }

    @Test func aNodeIsRestoredFromTheHubOverTheSameTransport() async throws {
        let hub = try await Hub()
        let old = try await hub.node(office: "6500101")
        try await old.store.write(collection: "applications", record: "6500101.app-1", set: ["area": 120])
        try await old.store.write(collection: "applications", record: "6500101.app-2", set: ["area": 80])
        try await old.sync()
        try await hub.store.peers.revoke(node: try #require(try await old.store.node()).id)

        let directory = DataDirectory(path: temporaryDirectory("tambon-restore"))
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
        let transport = InMemoryHubTransport(responder: hub.responder, logger: quietLogger)
        let (store, report) = try await NodeEnrolment.restore(
            directory: directory, configuration: hub.clock.configuration, transport: transport, url: "https://hub.test", caPEM: "",
            token: token)
        #expect(try await store.node()?.office == "6500101")
        #expect(try await store.node()?.id != old.store.node()?.id)
        // Two applications and the roster: the old node enrolled then revoked, the new one enrolled.
        #expect(report.pulled == 5)
        #expect(try await store.digest(scope: "6500101") == hub.store.digest(scope: "6500101"))
        #expect(try await store.hubLink()?.url == "https://hub.test")
    }

    /// The signer needs no store: enrolment signed by a bare key, with nonces from a counter in memory, including
    /// one drawn ahead of the request.
    @Test func aSignerWithNoStoreSignsWhatTheHubVerifies() async throws {
        let hub = try await Hub()
        let identity = NodeIdentity()
        let hubID = try #require(try await hub.store.node()).id
        let counter = NonceCounter()
        let clock = hub.clock
        let signer = RequestSigner(
            node: identity.id, hub: hubID, nextNonce: { await counter.next() }, advanceNonce: { await counter.advance(past: $0) },
            sign: { identity.sign($0) }, wallClock: { clock.now })

        let headers = try await signer.headers(method: "POST", path: "/v1/pull", nonce: 9, body: [1, 2, 3])
        let signature = try #require(headers.first { $0.0 == SyncProtocol.Header.signature }.flatMap { Hex.decode($0.1) })
        let message = SyncProtocol.signingMessage(method: "POST", path: "/v1/pull", hub: hubID, nonce: 9, body: [1, 2, 3])
        #expect(SignatureVerifier.isValid(signature: signature, message: message, publicKey: identity.id.bytes))
        #expect(headers.first { $0.0 == SyncProtocol.Header.time }?.1 == String(hub.clock.now))

        let transport = InMemoryHubTransport(responder: hub.responder, logger: quietLogger)
        let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
        let ahead = try await signer.nextNonce()
        let drawnLater = try await signer.nextNonce()
        let enrolled = try await transport.post(
            SyncProtocol.Path.enrol, body: ["token": .string(token), "office": "6500101", "name": "bare key", "protocol": 2],
            signer: signer, nonce: ahead, deadline: .seconds(10))
        #expect(enrolled.members["role"] == "office")
        #expect(try await hub.store.peers.lastNonce(of: identity.id) == ahead, "the nonce drawn ahead is the one sent")
        _ = try await transport.post(
            SyncProtocol.Path.pull, body: ["protocol": 2, "after": 0, "limit": 1], signer: signer, nonce: drawnLater,
            deadline: .seconds(10))
        #expect(try await hub.store.peers.lastNonce(of: identity.id) == drawnLater)
    }

    /// A refused nonce is sent again past the hub's, more than once if another process gets ahead again, and at
    /// most ``HubTransport/replayAttempts`` times in all.
    @Test(arguments: [(ignored: 1, sent: true), (ignored: 2, sent: false)])
    func aReplayedNonceIsSentAgainPastTheHubsABoundedNumberOfTimes(ignored: Int, sent: Bool) async throws {
        let hub = try await Hub()
        let identity = NodeIdentity()
        let hubID = try #require(try await hub.store.node()).id
        let transport = InMemoryHubTransport(responder: hub.responder, logger: quietLogger)
        let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
        let clock = hub.clock
        // Another process's requests took the hub to nonce 50.
        let ahead = RequestSigner(
            node: identity.id, hub: hubID, nextNonce: { 50 }, advanceNonce: { _ in }, sign: { identity.sign($0) }, wallClock: { clock.now })
        _ = try await transport.post(
            SyncProtocol.Path.enrol, body: ["token": .string(token), "office": "6500101", "name": "n", "protocol": 2], signer: ahead,
            deadline: .seconds(10))

        let counter = LaggingNonceCounter(ignoredAdvances: ignored)
        let behind = RequestSigner(
            node: identity.id, hub: hubID, nextNonce: { await counter.next() }, advanceNonce: { await counter.advance(past: $0) },
            sign: { identity.sign($0) }, wallClock: { clock.now })
        let pull: JSONValue = ["protocol": 2, "after": 0, "limit": 1]
        do {
            _ = try await transport.post(SyncProtocol.Path.pull, body: pull, signer: behind, deadline: .seconds(10))
            #expect(sent, "sent after \(ignored) ignored advances")
            #expect(try await hub.store.peers.lastNonce(of: identity.id) == 51)
        } catch let error as TambonError {
            #expect(!sent)
            #expect(error.code == "replayed_request")
            #expect(try await hub.store.peers.lastNonce(of: identity.id) == 50)
        }
    }

    /// Every answer the hub gives a node's sync says how long the hub itself took over it (`Server-Timing`, SPEC §9):
    /// what a node measures beyond that was spent connecting, queued or on the wire.
    @Test func theHubsAnswersSayHowLongTheHubTook() async throws {
        let hub = try await Hub()
        let node = try await hub.node(office: "6500101")
        try await node.store.write(collection: "applications", record: "6500101.timed", set: ["status": "received"])
        let recorder = RecordingTransport(node.transport)
        let report = try await SyncEngine(store: node.store, transport: recorder, logger: quietLogger).round(deadline: .seconds(30))
        #expect(report.pushed == 1)
        let answers = recorder.answers
        #expect(answers.contains { $0.path == SyncProtocol.Path.push } && answers.contains { $0.path == SyncProtocol.Path.pull })
        for answer in answers {
            #expect(answer.status == 200, "\(answer.path)")
            let timing = try #require(answer.serverTiming, "\(answer.path) has no Server-Timing")
            #expect(timing.wholeMatch(of: /hub;dur=[0-9]+\.[0-9]/) != nil, "\(timing)")
        }
    }

    /// A `/v1/` path that names no endpoint, an empty segment in an attachment's path among them, is refused as a
    /// protocol refusal (JSON, 404 `no_such_endpoint`), not with the framework's empty body; other paths are untouched.
    @Test func aProtocolPathThatNamesNoEndpointIsRefusedInJSON() async throws {
        let hub = try await Hub()
        let transport = InMemoryHubTransport(responder: hub.responder, logger: quietLogger)
        for path in ["/v1/nothing-here", SyncProtocol.Path.blobsPut + "/ab//0", "/v1/"] {
            let wire = try await transport.exchange(HubRequest(method: "POST", path: path, body: Array("{}".utf8)), deadline: .seconds(10))
            #expect(wire.status == 404, "\(path)")
            let body = try SyncMessage.object(wire.body)
            #expect(body["error"] == "no_such_endpoint", "\(path): \(body)")
        }
        let outside = try await transport.exchange(HubRequest(method: "GET", path: "/nothing-here", body: []), deadline: .seconds(10))
        #expect(outside.status == 404 && (try? SyncMessage.object(outside.body)) == nil, "not a protocol path: the ordinary 404")
    }
}

/// A transport that keeps what the hub answered to each request: its path, status and `Server-Timing`.
private final class RecordingTransport: HubTransport {
    struct Answer: Sendable {
        let path: String
        let status: Int
        let serverTiming: String?
    }

    private let inner: InMemoryHubTransport
    private let recorded = Mutex<[Answer]>([])
    var sizing: LinkSizing { inner.sizing }
    var answers: [Answer] { recorded.withLock { $0 } }

    init(_ inner: InMemoryHubTransport) { self.inner = inner }

    func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire {
        let wire = try await inner.exchange(request, deadline: deadline)
        recorded.withLock { $0.append(Answer(path: request.path, status: wire.status, serverTiming: wire.header("Server-Timing"))) }
        return wire
    }
}

/// A counter behind the hub, as a directory is when another process on it sent higher nonces first: it ignores
/// the first `ignoredAdvances` requests to move past the hub's (that process got ahead again meanwhile).
private actor LaggingNonceCounter {
    private var last: Int64 = 0
    private var ignoredAdvances: Int

    init(ignoredAdvances: Int) { self.ignoredAdvances = ignoredAdvances }

    func next() -> Int64 {
        last += 1
        return last
    }

    func advance(past value: Int64) {
        guard ignoredAdvances == 0 else {
            ignoredAdvances -= 1
            return
        }
        last = max(last, value)
    }
}

/// A request-nonce counter kept in memory.
private actor NonceCounter {
    private var last: Int64 = 0

    func next() -> Int64 {
        last += 1
        return last
    }

    func advance(past value: Int64) { last = max(last, value) }
}
