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

    @Test func everyErrorBecomesTheProtocolsRefusalByItsKind() async throws {
        let fork = ChangeRejection(origin: NodeIdentity().id, seq: 3, reason: .fork(heldHash: []))
        #expect(HubRefusal(fork).status == .conflict && HubRefusal(fork).error.code == "fork")
        let revoked = PeerRegistry.Refusal.revoked(NodeIdentity().id)
        #expect(HubRefusal(revoked).status == .forbidden && HubRefusal(revoked).error.code == "revoked_node")
        let stale = StoreError(.staleLog, "the directory is older than the node's history")
        #expect(HubRefusal(stale).status == .conflict && HubRefusal(stale).error.code == "stale_log")
        #expect(HubRefusal(NIOTooManyBytesError()).status == .contentTooLarge)
        struct DiskOnFire: Error {}
        let hidden = HubRefusal(DiskOnFire())
        #expect(hidden.status == .internalServerError && hidden.error.code == "internal")
        #expect(!hidden.error.english.contains("DiskOnFire"), "an internal failure's text stays in the hub's log")
        for kind in TambonError.Kind.allCases {
            #expect(TambonError.Kind(httpStatus: kind.httpStatus) == kind, "one table, both directions: \(kind)")
        }
    }
}

/// One node's requests in progress at the hub are bounded; the next waits its turn with 429.
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
        let limiter = NodeRequestLimiter()
        let reads = NodeRequestLimiter.maximumTotal - NodeRequestLimiter.maximumWrites
        let readers = (0..<reads).map { _ in NodeIdentity().id }
        for node in readers { try await limiter.enter(node) }
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).error.code == "hub_busy" }
        // Writes wait for one writer: at most 16 in progress, and a full read budget does not stop them.
        let writers = (0..<NodeRequestLimiter.maximumWrites).map { _ in NodeIdentity().id }
        for node in writers { try await limiter.enter(node, kind: .write) }
        await #expect { try await limiter.enter(NodeIdentity().id, kind: .write) } throws: { HubRefusal($0).status.code == 429 }
        // A write ending frees a write's slot, not a read's.
        await limiter.leave(writers[0], kind: .write)
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).status.code == 429 }
        try await limiter.enter(NodeIdentity().id, kind: .write)
        await limiter.leave(readers[0])
        await limiter.leave(readers[0])  // a second leave of a node with none in progress frees nothing
        try await limiter.enter(NodeIdentity().id)
        await #expect { try await limiter.enter(NodeIdentity().id) } throws: { HubRefusal($0).status.code == 429 }
    }
}
