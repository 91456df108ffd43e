import Foundation
import NIOCore
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync
import TambonTestSupport
import Testing

/// Every refusal of the hub: the right status and code, a clear message, and nothing applied.
@Suite(.serialized) struct RefusalTests {
    func expectRefusal(
        status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected a \(status) \(code) refusal", sourceLocation: sourceLocation)
        } catch let failure as TambonError {
            #expect(failure.kind.httpStatus == status && failure.code.rawValue == code, "got \(failure)", sourceLocation: sourceLocation)
            #expect(failure.english.count > 10, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    func freshNode(_ office: String, clock: ManualClock = ManualClock()) async throws -> Store {
        let store = try Store.inMemory(configuration: clock.configuration)
        try await store.initialiseNode(office: office, name: "n")
        return store
    }

    @Test func enrolmentRefusesBadUsedExpiredAndForeignTokensAndASecondOfficeNode() async throws {
        try await withHub { hub in
            await expectRefusal(status: 403, code: "invalid_token") {
                try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: "tbn1.nonsense")
            }
            let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
            await expectRefusal(status: 403, code: "wrong_office") {
                try await NodeEnrolment.join(store: try await freshNode("6500102"), url: hub.url, caPEM: hub.caPEM, token: token)
            }
            try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: token)
            await expectRefusal(status: 409, code: "used_token") {
                try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: token)
            }
            let second = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .office)
            await expectRefusal(status: 409, code: "office_node_exists") {
                try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: second)
            }
            let expiring = try await hub.store.peers.createEnrolmentToken(office: "6500103", role: .office, lifetimeMillis: 1000)
            hub.clock.advance(2000)
            await expectRefusal(status: 403, code: "expired_token") {
                try await NodeEnrolment.join(store: try await freshNode("6500103"), url: hub.url, caPEM: hub.caPEM, token: expiring)
            }
            #expect(try await hub.store.peers.all().count == 1)
            // A survey node of the same office is fine, and revoking the office node frees the office role.
            let survey = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .survey)
            try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: survey)
            let officeNode = try #require(try await hub.store.peers.all().first { $0.role == .office })
            try await hub.store.peers.revoke(node: officeNode.id)
            try await NodeEnrolment.join(store: try await freshNode("6500101"), url: hub.url, caPEM: hub.caPEM, token: second)
        }
    }

    @Test func requestsMustBeSignedFreshAndFromAnActiveNode() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            let pull: JSONValue = ["protocol": 2, "after": 0, "limit": 10]
            _ = try await node.send("/v1/pull", pull, nonce: 1000)
            await expectRefusal(status: 401, code: "replayed_request") { _ = try await node.send("/v1/pull", pull, nonce: 1000) }
            // A node still on protocol 1 (before the authority rules) is told to upgrade, and so is one from the future.
            await expectRefusal(status: 426, code: "unsupported_protocol") { _ = try await node.send("/v1/pull", pull, protocolVersion: "1") }
            await expectRefusal(status: 426, code: "unsupported_protocol") { _ = try await node.send("/v1/pull", pull, protocolVersion: "3") }

            // Signed by a key the hub has never seen.
            let stranger = try await freshNode("6500101")
            let strangerID = try #require(try await stranger.node()).id
            await expectRefusal(status: 401, code: "unknown_node") {
                _ = try await node.client.send(
                    "/v1/pull", bytes: SyncMessage.encode(pull), signer: .store(stranger, node: strangerID, hub: node.hubID), nonce: 1)
            }
            // Claiming to be the enrolled node but signed by another key.
            await expectRefusal(status: 401, code: "bad_request_signature") {
                _ = try await node.client.send(
                    "/v1/pull", bytes: SyncMessage.encode(pull), signer: .store(stranger, node: node.info.id, hub: node.hubID), nonce: 5000)
            }
            await expectRefusal(status: 400, code: "malformed_json") {
                _ = try await node.client.send("/v1/pull", bytes: Array("{\"after\":".utf8), signer: node.signer, nonce: 6000)
            }
            try await hub.store.peers.revoke(node: node.info.id)
            await expectRefusal(status: 403, code: "revoked_node") { try await node.sync() }
            #expect(try await node.store.hubLink()?.lastError?.contains("revoked") == true, "node status shows the last error")
        }
    }

    /// Authentication first, then work: the hub reads no body of a node it does not know or has revoked, and
    /// decompresses and parses a body only once its signature checks out against an enrolled node's key. A body
    /// that is not gzip at all shows the order: refused as the sender's, never as the body's.
    @Test func nothingIsReadOrInflatedBeforeTheSenderIsAnEnrolledActiveNode() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            let notGzip: [UInt8] = [0x1F, 0x8B, 8, 0] + Array(repeating: 0xFF, count: 4096)
            let stranger = try await freshNode("6500101")
            let strangerID = try #require(try await stranger.node()).id
            await expectRefusal(status: 401, code: "unknown_node") {
                _ = try await node.client.send(
                    "/v1/push", bytes: notGzip, contentEncoding: "gzip", signer: .store(stranger, node: strangerID, hub: node.hubID), nonce: 1)
            }
            // The enrolled node's id with another key: the signature is checked before the body is inflated.
            await expectRefusal(status: 401, code: "bad_request_signature") {
                _ = try await node.client.send(
                    "/v1/push", bytes: notGzip, contentEncoding: "gzip", signer: .store(stranger, node: node.info.id, hub: node.hubID), nonce: 2)
            }
            // Its own key: now the body is read, and refused as a body.
            await expectRefusal(status: 400, code: "malformed_gzip") {
                _ = try await node.client.send("/v1/push", bytes: notGzip, contentEncoding: "gzip", signer: node.signer, nonce: 3)
            }
            // A well-formed pull in gzip with bytes after it: not gzip either (RFC 1952), however lenient a reader.
            let pull = try Gzip.compress(SyncMessage.encode(["protocol": .number(Double(SyncProtocol.version)), "after": 0, "limit": 1]))
            _ = try await node.client.send("/v1/pull", bytes: pull, contentEncoding: "gzip", signer: node.signer, nonce: 5)
            await expectRefusal(status: 400, code: "malformed_gzip") {
                _ = try await node.client.send("/v1/pull", bytes: pull + Array("}".utf8), contentEncoding: "gzip", signer: node.signer, nonce: 6)
            }
            try await hub.store.peers.revoke(node: node.info.id)
            await expectRefusal(status: 403, code: "revoked_node") {
                _ = try await node.client.send("/v1/push", bytes: notGzip, contentEncoding: "gzip", signer: node.signer, nonce: 7)
            }
        }
    }

    @Test func unsignedRequestsAreRefused() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            await expectRefusal(status: 401, code: "unauthenticated") {
                _ = try await node.client.send("/v1/pull", bytes: Array("{}".utf8), signer: node.signer, nonce: 0)
            }
        }
    }

    /// A compressed push is checked as strictly as any: a forged or tampered change, trailing bytes or a duplicated
    /// member refuse it whole.
    @Test func aCompressedPushIsCheckedAsStrictly() async throws {
        try await withHub { hub in
            let a = try await hub.node(office: "6500101")
            var changes: [Change] = []
            for index in 0..<40 {
                changes.append(
                    try await a.store.write(
                        collection: "permits", record: "6500101.app-\(index)",
                        set: [
                            "area": .number(Double(index) + 0.5), "name": .string("ร้าน \"\(index)\" {ok}"),
                        ]))
            }
            func push(_ bytes: [UInt8]) async throws -> HubResponse {
                let nonce = try await a.store.nextCounterValue(Store.CursorName.requestNonce)
                return try await a.client.send("/v1/push", bytes: try Gzip.compress(bytes), contentEncoding: "gzip", signer: a.signer, nonce: nonce)
            }
            func body(_ batch: [Change]) -> [UInt8] {
                SyncMessage.encode(["protocol": 2, "changes": ChangeCodec.batchValue(batch)])
            }
            let before = try await hub.store.statistics()

            var forged = changes
            forged[20].signature = TestSigner.sign(forged[20].hash)
            await expectRefusal(status: 422, code: "bad_signature") { _ = try await push(body(forged)) }
            var tampered = changes
            tampered[30].operations = [.set(field: "area", value: 1)]
            await expectRefusal(status: 422, code: "bad_signature") { _ = try await push(body(tampered)) }
            await expectRefusal(status: 400, code: "malformed_json") { _ = try await push(body(changes) + Array(" x".utf8)) }
            let twice = body(changes).dropLast() + Array(#","changes":[]}"#.utf8)
            await expectRefusal(status: 400, code: "malformed_json") { _ = try await push(Array(twice)) }
            #expect(try await hub.store.statistics() == before, "nothing of a refused push is applied")

            // A body not laid out as nodes write it is read the ordinary way; a canonical one while it arrives.
            let spaced = try await push(Array("  ".utf8) + body(Array(changes[0..<20])))
            #expect(spaced.members["accepted_seq"] == 20)
            let canonical = try await push(body(Array(changes[20...])))
            #expect(canonical.members["accepted_seq"] == 40 && canonical.members["applied"] == 20)
            try await a.sync()
            #expect(try await hub.store.digest(scope: "6500101") == a.store.digest(scope: "6500101"))
        }
    }

    @Test func pushesAreVerifiedChangeByChangeAndAppliedWholeOrNotAtAll() async throws {
        let clock = ManualClock()
        try await withHub(clock: clock) { hub in
            let a = try await hub.node(office: "6500101")
            let b = try await hub.node(office: "6500102")
            let first = try await a.store.write(collection: "permits", record: "6500101.app-1", set: ["area": 120])
            let second = try await a.store.write(collection: "permits", record: "6500101.app-1", set: ["area": 121])
            let before = try await hub.store.statistics()
            func push(_ changes: [Change], from node: TestNode = a) async throws {
                _ = try await node.send("/v1/push", ["protocol": 2, "changes": .array(changes.map { ChangeCodec.value(of: $0) })])
            }
            await expectRefusal(status: 409, code: "chain_gap") { try await push([second]) }

            var tampered = first
            tampered.operations = [.set(field: "area", value: 999)]
            await expectRefusal(status: 422, code: "bad_hash") { try await push([tampered, second]) }
            await expectRefusal(status: 422, code: "bad_signature") {
                _ = try await a.send("/v1/push", ["protocol": 2, "changes": [ChangeCodec.value(of: tampered, includingHash: false)]])
            }

            var forged = first
            forged.signature = TestSigner.sign(forged.hash)
            await expectRefusal(status: 422, code: "bad_signature") { try await push([forged]) }

            await expectRefusal(status: 403, code: "foreign_origin") { try await push([first], from: b) }
            #expect(try await hub.store.statistics() == before, "nothing of a refused push is applied")

            try await push([first, second])
            // The same seq with other content: a copied or restored directory writing again.
            var fork = first
            fork.operations = [.set(field: "area", value: 5)]
            fork.hash = fork.computeHash()
            fork.signature = try await a.store.sign(fork.hash)
            await expectRefusal(status: 409, code: "fork") { try await push([fork]) }

            // Writing outside its office: B forges a change to A's record (signed by B, so the signature is fine). The
            // authority rules refuse it; it stays in B's chain, inert, so B's next change follows it.
            let bInfo = b.info
            let outside = try await signedChange(
                by: b.store, node: bInfo, seq: 1, record: "6500101.app-1", scope: ["6500101", "6500102"], hlc: clock.now)
            await expectRefusal(status: 403, code: "not_owner") { try await push([outside], from: b) }
            #expect(try await hub.store.record(collection: "permits", id: "6500101.app-1")?.fields["x"] == nil)
            // Its own office plus the hub's scope (where the hub's operator accounts live): refused too.
            let intoHub = try await signedChange(
                by: b.store, node: bInfo, seq: 2, previous: outside.hash, record: "hub.mallory", scope: ["6500102", Store.hubOffice], hlc: clock.now)
            await expectRefusal(status: 403, code: "hub_only") { try await push([intoHub], from: b) }
            #expect(try await hub.store.record(collection: "permits", id: "hub.mallory") == nil)

            // A node whose clock is a day ahead.
            let ahead = try await signedChange(
                by: b.store, node: bInfo, seq: 3, previous: intoHub.hash, record: "6500102.app-7", scope: ["6500102"], hlc: clock.now + 86_400_000)
            await expectRefusal(status: 422, code: "clock_skew") { try await push([ahead], from: b) }
            #expect(try await hub.store.record(collection: "permits", id: "6500101.app-1")?.fields["area"] == 121)
            #expect(try await hub.store.record(collection: "permits", id: "6500102.app-7") == nil)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            var random = SystemRandomNumberGenerator()
            let noise = (0..<(9 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }
            await expectRefusal(status: 413, code: "body_too_large") {
                _ = try await node.client.send("/v1/push", bytes: noise, signer: node.signer, nonce: 99)
            }
            // A small gzip body that expands beyond the limit.
            let bomb = try Gzip.compress([UInt8](repeating: 0x20, count: SyncProtocol.maximumBodyBytes + 1024))
            await expectRefusal(status: 413, code: "body_too_large") {
                _ = try await node.client.send("/v1/push", bytes: bomb, contentEncoding: "gzip", signer: node.signer, nonce: 100)
            }
            // The same from a body large enough to be inflated off the request threads (HeavyWork), and a large body
            // that is not JSON: the same refusals.
            let bigBomb = try Gzip.compress(Array(noise.prefix(100_000)) + [UInt8](repeating: 0x20, count: SyncProtocol.maximumBodyBytes))
            #expect(bigBomb.count > 64 * 1_024)
            await expectRefusal(status: 413, code: "body_too_large") {
                _ = try await node.client.send("/v1/push", bytes: bigBomb, contentEncoding: "gzip", signer: node.signer, nonce: 101)
            }
            await expectRefusal(status: 400, code: "malformed_json") {
                _ = try await node.client.send("/v1/push", bytes: Array(noise.prefix(100_000)), signer: node.signer, nonce: 102)
            }
        }
    }

    func signedChange(
        by store: Store, node: NodeInfo, seq: Int64, previous: [UInt8]? = nil, record: String, scope: [String], hlc millis: Int64
    ) async throws -> Change {
        var change = Change(
            origin: node.id, seq: seq, hlc: HLC(millis: UInt64(millis), counter: 0), collection: "permits",
            record: record, scope: scope, operations: [.set(field: "x", value: 1)], previous: previous)
        change.hash = change.computeHash()
        change.signature = try await store.sign(change.hash)
        return change
    }
}

/// A key that belongs to no node.
enum TestSigner {
    static let identity = try! NodeIdentity(seed: Array(repeating: 0x5A, count: 32))
    static func sign(_ bytes: [UInt8]) -> [UInt8] { identity.sign(bytes) }
}

/// A socket that never sends a whole request head — idle, or a slowloris dribbling its headers — is closed.
@Suite(.serialized) struct SlowClientTests {
    static func secondsUntilClosed(port: Int, dribbling bytes: [UInt8], every interval: Double, limit: Double) async -> Double? {
        await SlowClient.runOnItsOwnThread(port: port, dribbling: bytes, every: interval, limit: limit).closedAfter
    }

    @Test func anIdleOrDribblingConnectionIsClosed() async throws {
        try await withHub(idleTimeout: .seconds(1)) { hub in
            let port = hub.port
            let idle = await Task.detached { await Self.secondsUntilClosed(port: port, dribbling: [], every: 1, limit: 6) }.value
            #expect(idle.map { $0 < 4 } == true, "an idle socket is closed after the timeout: \(String(describing: idle))")
            // A TLS client hello, one byte every 0.3 s: never a whole request head.
            let slow = await Task.detached {
                await Self.secondsUntilClosed(
                    port: port, dribbling: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC] + Array(repeating: 0, count: 40), every: 0.3,
                    limit: 8)
            }.value
            #expect(slow.map { $0 < 6 } == true, "a dribbling socket is closed too: \(String(describing: slow))")
        }
    }
}
