import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TambonCore
import TambonHub
import TambonProtocol
import TambonStore
import TambonWebKit
import Testing

/// The hub's protocol endpoints through Hummingbird's router test client: no sockets, no TLS. What a request gets
/// before any node is involved — the version check, authentication — and the shape of every refusal.
@Suite struct HubRouterTests {
    struct Hub {
        let store: Store
        let application: Application<RouterResponder<TambonRequestContext>>

        init() async throws {
            store = try Store.inMemory()
            let node = try await store.initialiseNode(office: Store.hubOffice, name: "hub")
            let router = Router(context: TambonRequestContext.self)
            HubController(store: store, hub: node, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
                .addRoutes(to: router)
            application = Application(router: router)
        }
    }

    static func headers(protocol version: String? = String(SyncProtocol.version), node: String? = nil) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let version { headers[HTTPField.Name(SyncProtocol.Header.protocolVersion)!] = version }
        if let node {
            headers[HTTPField.Name(SyncProtocol.Header.node)!] = node
            headers[HTTPField.Name(SyncProtocol.Header.nonce)!] = "1"
            headers[HTTPField.Name(SyncProtocol.Header.signature)!] = String(repeating: "00", count: 64)
        }
        return headers
    }

    /// A refusal's status, its JSON body's code and message, and the protocol header on it.
    static func refusal(_ response: TestResponse) throws -> (status: Int, code: String, message: String) {
        #expect(response.headers[HTTPField.Name(SyncProtocol.Header.protocolVersion)!] == String(SyncProtocol.version))
        let body = try SyncMessage.object(Array(buffer: response.body))
        return (Int(response.status.code), body["error"]?.stringValue ?? "", body["message"]?.stringValue ?? "")
    }

    @Test func helloNamesTheHubWithoutAuthentication() async throws {
        let hub = try await Hub()
        let id = try #require(try await hub.store.node()).id
        try await hub.application.test(.router) { client in
            try await client.execute(uri: SyncProtocol.Path.hello, method: .get) { response in
                #expect(response.status == .ok)
                let body = try SyncMessage.object(Array(buffer: response.body))
                #expect(body["hub"]?.stringValue == id.hex && body["protocol"] == .number(Double(SyncProtocol.version)))
            }
        }
    }

    @Test func aRequestWithoutTheProtocolOrASignatureIsRefusedBeforeAnyWork() async throws {
        let hub = try await Hub()
        let before = try await hub.store.statistics().changes
        try await hub.application.test(.router) { client in
            let body = ByteBuffer(string: #"{"protocol":1,"changes":[]}"#)
            try await client.execute(uri: SyncProtocol.Path.push, method: .post, headers: Self.headers(protocol: nil), body: body) {
                let refusal = try Self.refusal($0)
                #expect(refusal.status == 400 && refusal.code == "missing_protocol")
            }
            try await client.execute(uri: SyncProtocol.Path.push, method: .post, headers: Self.headers(protocol: "9"), body: body) {
                let refusal = try Self.refusal($0)
                #expect(refusal.status == 426 && refusal.code == "unsupported_protocol")
            }
            try await client.execute(uri: SyncProtocol.Path.pull, method: .post, headers: Self.headers(), body: body) {
                let refusal = try Self.refusal($0)
                #expect(refusal.status == 401 && refusal.code == "unauthenticated" && refusal.message.contains(SyncProtocol.Header.signature))
            }
            let stranger = NodeIdentity().id.hex
            try await client.execute(uri: SyncProtocol.Path.push, method: .post, headers: Self.headers(node: stranger), body: body) {
                let refusal = try Self.refusal($0)
                #expect(refusal.status == 401, "an unknown node, whatever it signed: \(refusal)")
            }
        }
        #expect(try await hub.store.statistics().changes == before, "nothing was applied")
    }

    /// A protocol path asked with another method is refused with 405 and `Allow` before anything is read: the path
    /// exists, so 404 would be a lie. Paths that do not exist stay 404.
    @Test func anotherMethodOnAProtocolPathIs405WithAllow() async throws {
        let hub = try await Hub()
        try await hub.application.test(.router) { client in
            for (path, method, allowed) in [
                (SyncProtocol.Path.push, HTTPRequest.Method.get, "POST"), (SyncProtocol.Path.pull, .delete, "POST"),
                (SyncProtocol.Path.enrol, .put, "POST"), (SyncProtocol.Path.blobsPut + "/ab/1/0", .patch, "POST"),
                (SyncProtocol.Path.hello, .post, "GET"),
            ] {
                try await client.execute(uri: path, method: method, headers: Self.headers(), body: ByteBuffer(string: "{}")) { response in
                    let refusal = try Self.refusal(response)
                    #expect(refusal.status == 405 && refusal.code == "method_not_allowed", "\(method) \(path): \(refusal)")
                    #expect(response.headers[.allow] == allowed, "\(method) \(path)")
                }
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func everyErrorBecomesTheProtocolsRefusalByItsKind() async throws {
        let fork = ChangeRejection(origin: NodeIdentity().id, seq: 3, reason: .fork(heldHash: []))
        #expect(HubRefusal(fork).status == .conflict && HubRefusal(fork).error.code == "fork")
        let revoked = PeerRegistry.Refusal.revoked(NodeIdentity().id)
        #expect(HubRefusal(revoked).status == .forbidden && HubRefusal(revoked).error.code == "revoked_node")
        let stale = StoreError(.staleLog, "the directory is older than the node's history")
        #expect(HubRefusal(stale).status == .conflict && HubRefusal(stale).error.code == "stale_log")
        #expect(HubRefusal(NIOTooManyBytesError(maxBytes: 1_024)).status == .contentTooLarge)
        struct DiskOnFire: Error {}
        let hidden = HubRefusal(DiskOnFire())
        #expect(hidden.status == .internalServerError && hidden.error.code == "internal")
        #expect(!hidden.error.english.contains("DiskOnFire"), "an internal failure's text stays in the hub's log")
        for kind in TambonError.Kind.allCases {
            #expect(TambonError.Kind(httpStatus: kind.httpStatus) == kind, "one table, both directions: \(kind)")
        }
    }
}

/// Requests in progress at the hub are bounded per node and in all; a write beyond its budget waits its turn.
@Suite struct NodeRequestLimiterTests {
    @Test func aNodeHasAtMostTwoRequestsInProgress() async throws {
        let limiter = NodeRequestLimiter()
        let node = NodeIdentity().id, other = NodeIdentity().id
        try await limiter.enter(node)
        try await limiter.enter(node)
        await #expect { try await limiter.enter(node) } throws: { error in
            let refusal = HubRefusal(error)
            return refusal.status.code == 429 && refusal.error.code == "too_many_requests" && refusal.error.details["retry_after_s"] == 1
        }
        try await limiter.enter(other)
        await limiter.leave(node)
        try await limiter.enter(node)
        #expect(await limiter.count(node) == 2)
        await limiter.leave(node)
        await limiter.leave(node)
        await limiter.leave(node)
        #expect(await limiter.count(node) == 0, "never below zero")
    }

    @Test func readsAndWritesHaveBudgetsOfTheirOwn() async throws {
        let limiter = NodeRequestLimiter(writeWait: .milliseconds(50))
        let reads = NodeRequestLimiter.maximumTotal - NodeRequestLimiter.maximumWrites
        let readers = (0..<reads).map { _ in NodeIdentity().id }
        for node in readers { try await limiter.enter(node) }
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).error.code == "hub_busy" }
        // A full read budget does not stop writes, and a write beyond its own budget waits, then is refused.
        let writers = (0..<NodeRequestLimiter.maximumWrites).map { _ in NodeIdentity().id }
        for node in writers { try await limiter.enter(node, kind: .write) }
        let late = NodeIdentity().id
        await #expect { try await limiter.enter(late, kind: .write) } throws: {
            HubRefusal($0).status.code == 429 && HubRefusal($0).error.code == "hub_busy"
        }
        #expect(await limiter.count(late) == 0, "a write refused after waiting holds nothing")
        #expect(await limiter.waitingWrites == 0)
        // A write ending frees a write's slot, not a read's.
        await limiter.leave(writers[0], kind: .write)
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).status.code == 429 }
        try await limiter.enter(NodeIdentity().id, kind: .write)
        await limiter.leave(readers[0])
        await limiter.leave(readers[0])  // a second leave of a node with none in progress frees nothing
        try await limiter.enter(NodeIdentity().id)
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).status.code == 429 }
    }

    /// Fills the write budget of `limiter` with writers of their own.
    static func fillWrites(_ limiter: NodeRequestLimiter) async throws -> [NodeID] {
        let writers = (0..<NodeRequestLimiter.maximumWrites).map { _ in NodeIdentity().id }
        for node in writers { try await limiter.enter(node, kind: .write) }
        return writers
    }

    /// Waits (polling, bounded) until `count` writes are queued.
    static func waitUntilQueued(_ limiter: NodeRequestLimiter, _ count: Int) async throws {
        for _ in 0..<2_000 where await limiter.waitingWrites < count { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await limiter.waitingWrites == count)
    }

    @Test func writesBeyondTheBudgetTakeFreedSlotsInArrivalOrder() async throws {
        let limiter = NodeRequestLimiter(writeWait: .seconds(30))
        let writers = try await Self.fillWrites(limiter)
        let first = NodeIdentity().id, second = NodeIdentity().id
        try await withThrowingTaskGroup(of: NodeID.self) { group in
            group.addTask {
                try await limiter.enter(first, kind: .write); return first
            }
            try await Self.waitUntilQueued(limiter, 1)
            group.addTask {
                try await limiter.enter(second, kind: .write); return second
            }
            try await Self.waitUntilQueued(limiter, 2)
            #expect(await limiter.count(first) == 1, "a waiting write counts as its node's")
            await limiter.leave(writers[0], kind: .write)
            #expect(try await group.next() == first, "the first to wait has the first slot freed")
            #expect(await limiter.waitingWrites == 1)
            await limiter.leave(writers[1], kind: .write)
            #expect(try await group.next() == second)
        }
        // The slots were handed over, not added: leaving one now frees it for the next write without a wait.
        #expect(await limiter.waitingWrites == 0)
        await limiter.leave(first, kind: .write)
        try await limiter.enter(NodeIdentity().id, kind: .write)
    }

    @Test func aFullQueueRefusesAtOnceAndACancelledWaitFreesItsPlace() async throws {
        let limiter = NodeRequestLimiter(writeWait: .seconds(30))
        _ = try await Self.fillWrites(limiter)
        let waiting = (0..<NodeRequestLimiter.maximumWaitingWrites).map { _ in NodeIdentity().id }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in waiting { group.addTask { try await limiter.enter(node, kind: .write) } }
            try await Self.waitUntilQueued(limiter, waiting.count)
            let started = ContinuousClock.now
            await #expect { try await limiter.enter(NodeIdentity().id, kind: .write) } throws: { HubRefusal($0).error.code == "hub_busy" }
            #expect(ContinuousClock.now - started < .seconds(5), "a full queue refuses without waiting")
            // The waiting requests are abandoned (their clients went away): each leaves the queue, refused.
            group.cancelAll()
            var refused = 0
            while let result = await group.nextResult() {
                if case .failure(let error) = result, HubRefusal(error).error.code == "hub_busy" { refused += 1 }
            }
            #expect(refused == waiting.count)
        }
        #expect(await limiter.waitingWrites == 0)
        for node in waiting { #expect(await limiter.count(node) == 0) }
    }
}
