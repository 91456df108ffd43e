import Foundation
import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// The hub's peer registry on its own, no network: every refusal keeps the code and kind the hub has always
/// answered with (the kind decides the HTTP status), and nonces only move forward.
@Suite struct PeerRegistryTests {
    /// "kind code" of what `body` threw, "accepted" if it did not throw, or the error if it is no TambonError.
    func outcome(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "accepted"
        } catch let error as TambonError {
            return "\(error.kind) \(error.code)"
        } catch {
            return "\(error)"
        }
    }

    func node(_ seed: UInt8) -> NodeID { try! NodeIdentity(seed: Array(repeating: seed, count: 32)).id }

    @Test func enrolmentRefusesBadTokensAndSecondOfficeNodesWithTheirWireCodes() async throws {
        let clock = ManualClock()
        let hub = try await makeNode(office: Store.hubOffice, clock: clock)
        let peers = hub.peers
        #expect(
            await outcome { _ = try await peers.enrol(token: "tbn1.nonsense", node: node(1), office: "5001", name: "a") } == "forbidden invalid_token"
        )
        #expect(await outcome { _ = try await peers.enrolmentTokenOffice("tbn1.nonsense") } == "forbidden invalid_token")
        #expect(await outcome { _ = try await peers.createEnrolmentToken(office: Store.hubOffice, role: .office) } == "invalid invalid_argument")
        for lookalike in ["HUB", "Hub", "hUb"] {
            #expect(await outcome { _ = try await peers.createEnrolmentToken(office: lookalike, role: .office) } == "invalid invalid_argument")
        }
        #expect(
            await outcome { _ = try await peers.createEnrolmentToken(office: "5001", role: .office, lifetimeMillis: 0) } == "invalid invalid_argument"
        )

        let token = try await peers.createEnrolmentToken(office: "5001", role: .office)
        #expect(try await peers.enrolmentTokenOffice(token) == "5001")
        #expect(await outcome { _ = try await peers.enrol(token: token, node: node(1), office: "5002", name: "a") } == "forbidden wrong_office")
        let first = try await peers.enrol(token: token, node: node(1), office: "5001", name: "office one")
        #expect(first.id == node(1) && first.office == "5001" && first.role == .office && first.active)
        #expect(first.name == "office one" && first.enrolledMillis == clock.now && first.lastSeenMillis == nil && first.acceptedSeq == 0)
        #expect(await outcome { _ = try await peers.enrol(token: token, node: node(1), office: "5001", name: "a") } == "conflict used_token")
        #expect(await outcome { _ = try await peers.enrol(token: token, node: node(2), office: "5001", name: "b") } == "conflict used_token")

        let second = try await peers.createEnrolmentToken(office: "5001", role: .office)
        #expect(await outcome { _ = try await peers.enrol(token: second, node: node(2), office: "5001", name: "b") } == "conflict office_node_exists")
        let survey = try await peers.createEnrolmentToken(office: "5001", role: .survey)
        #expect(await outcome { _ = try await peers.enrol(token: survey, node: node(1), office: "5001", name: "a") } == "conflict already_joined")

        let expiring = try await peers.createEnrolmentToken(office: "5003", role: .office, lifetimeMillis: 1000)
        clock.advance(1000)
        #expect(await outcome { _ = try await peers.enrol(token: expiring, node: node(3), office: "5003", name: "c") } == "forbidden expired_token")

        // Revoking the office node frees the office role; the revoked node itself can never enrol again.
        try await peers.revoke(node: node(1))
        #expect(await outcome { _ = try await peers.enrol(token: second, node: node(1), office: "5001", name: "a") } == "forbidden revoked_node")
        #expect(try await peers.enrol(token: second, node: node(2), office: "5001", name: "b").role == .office)
        #expect(await outcome { try await peers.revoke(node: node(9)) } == "unauthenticated unknown_node")
    }

    @Test func requestsNeedAnActiveNodeAndAFreshNonce() async throws {
        let clock = ManualClock()
        let hub = try await makeNode(office: Store.hubOffice, clock: clock)
        let peers = hub.peers
        _ = try await peers.enrol(
            token: try await peers.createEnrolmentToken(office: "5001", role: .office), node: node(1), office: "5001", name: "a")
        #expect(await outcome { _ = try await peers.authenticate(node: node(2), nonce: 1, skewMillis: nil) } == "unauthenticated unknown_node")

        clock.advance(5000)
        let seen = try await peers.authenticate(node: node(1), nonce: 10, skewMillis: -40)
        #expect(seen.lastSeenMillis == clock.now && seen.skewMillis == -40)
        #expect(await outcome { _ = try await peers.authenticate(node: node(1), nonce: 10, skewMillis: nil) } == "unauthenticated replayed_request")
        #expect(await outcome { _ = try await peers.authenticate(node: node(1), nonce: 9, skewMillis: nil) } == "unauthenticated replayed_request")
        #expect(try await peers.lastNonce(of: node(1)) == 10)
        // A request without a measured skew keeps the last one.
        #expect(try await peers.authenticate(node: node(1), nonce: 11, skewMillis: nil).skewMillis == -40)
        #expect(try await peers.lastNonce(of: node(1)) == 11)
        #expect(try await peers.lastNonce(of: node(2)) == nil)

        let revoked = try await peers.revoke(node: node(1))
        #expect(!revoked.active)
        #expect(await outcome { _ = try await peers.authenticate(node: node(1), nonce: 12, skewMillis: nil) } == "forbidden revoked_node")
        #expect(try await peers.peer(node(1))?.active == false)
    }

    @Test func peersAreListedByOfficeThenEnrolmentWithTheSeqTheHubHolds() async throws {
        let clock = ManualClock()
        let hub = try await makeNode(office: Store.hubOffice, clock: clock)
        let peers = hub.peers
        let writer = TestOrigin(seed: 7)
        for (seed, office) in [(UInt8(7), "5002"), (8, "5001"), (9, "5002")] {
            clock.advance(10)
            let id = seed == 7 ? writer.id : node(seed)
            _ = try await peers.enrol(
                token: try await peers.createEnrolmentToken(office: office, role: .survey), node: id, office: office, name: "n\(seed)")
        }
        try await hub.apply([
            writer.change("r", scope: ["5002"], [.set(field: "a", value: 1)]),
            writer.change("r", scope: ["5002"], [.set(field: "a", value: 2)]),
        ])
        let listed = try await peers.all()
        #expect(listed.map(\.id) == [node(8), writer.id, node(9)])
        #expect(listed.map(\.acceptedSeq) == [0, 2, 0])
        #expect(try await peers.peer(writer.id)?.acceptedSeq == 2)
        #expect(try await peers.peer(node(1)) == nil)
    }
}
