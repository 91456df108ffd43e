import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// The authority rules as a store applies them: refused changes held inert in their origin's chain, writers
/// known only from the hub's roster, revocation, and a node's own refused changes undone.
@Suite struct AuthorityStoreTests {
    typealias Network = AuthorityNetwork

    func codes(_ result: ApplyResult) -> [String] { result.refused.map(\.refusal.code) }

    @Test func aRefusedChangeIsHeldInertAndTheWritersChainGoesOn() async throws {
        let network = try await Network()
        let a = TestOrigin(seed: 1)
        try await network.enrol(a, office: "5001", role: .office)
        let c1 = a.change("applications", "5001.app-1", scope: ["5001"], [.set(field: "status", value: "submitted")])
        let squat = a.change("users", "5002.admin", scope: ["5002"], [.set(field: "role", value: "admin")])
        let c3 = a.change("applications", "5001.app-1", scope: ["5001"], [.set(field: "area", value: 120)])
        let result = try await network.push([c1, squat, c3])
        #expect(result.applied == 2 && codes(result) == ["not_owner"] && result.refused.first?.seq == 2)
        #expect(try await network.hub.record(collection: "users", id: "5002.admin") == nil, "nothing of it applied")
        let peer = try #require(try await network.hub.peers.peer(a.id))
        #expect(peer.acceptedSeq == 3 && peer.refusedCount == 1, "held in the chain, so #3 followed it")
        #expect(try await network.hub.changes(after: 0, scope: "5002").changes.isEmpty, "never forwarded to office 5002")

        // Re-sent (its answer was lost): a duplicate, and the refusal is told again.
        let again = try await network.push([squat])
        #expect(again.duplicates == 1 && codes(again) == ["not_owner"])

        // Office 5002 then adds its own admin: nothing blocks it (the squat is not 5002's record).
        let b = TestOrigin(seed: 2)
        try await network.enrol(b, office: "5002", role: .office)
        let admin = try await network.push([b.change("users", "5002.admin", scope: ["5002"], [.set(field: "role", value: "admin")])])
        #expect(admin.applied == 1 && admin.refused.isEmpty)

        let replica = try await network.replica(office: "5001")
        try await network.pull(into: replica, office: "5001")
        #expect(try await replica.digest(scope: "5001") == network.hub.digest(scope: "5001"))
        #expect(try await replica.record(collection: "applications", id: "5001.app-1")?.fields == ["status": "submitted", "area": 120])
    }

    @Test func aChangeWhoseWriterIsUnknownWaitsForItsRosterEntry() async throws {
        let network = try await Network()
        let a = TestOrigin(seed: 1)
        try await network.enrol(a, office: "5001", role: .office)
        let change = a.change("applications", "5001.app-1", scope: ["5001"], [.set(field: "status", value: "submitted")])
        try await network.push([change])
        let roster = try await network.hub.changes(after: 0, scope: "5001").changes.map(\.change).filter { $0.origin == network.hubID }
        #expect(roster.count == 1 && roster[0].collection == AuthorityRules.rosterCollection)

        // The change arrives before its writer's entry (a hand-made import): held, inert, not a refusal.
        let early = try await network.replica(office: "5001")
        let waiting = try await early.apply([change])
        #expect(waiting.applied == 0 && waiting.refused.isEmpty)
        #expect(try await early.record(collection: "applications", id: "5001.app-1") == nil)
        try await early.apply(roster)
        #expect(try await early.record(collection: "applications", id: "5001.app-1")?.fields["status"] == "submitted", "judged again, merged")
        #expect(try await early.digest(scope: "5001") == network.hub.digest(scope: "5001"))

        // Both in one page, in either order within it.
        let together = try await network.replica(office: "5001")
        try await together.apply([change] + roster)
        #expect(try await together.digest(scope: "5001") == network.hub.digest(scope: "5001"))
    }

    @Test func aRevokedNodesLaterChangesAreRefusedEverywhereAndItsEarlierOnesStay() async throws {
        let network = try await Network()
        let laptop = TestOrigin(seed: 3)
        try await network.enrol(laptop, office: "5001", role: .survey)
        let office = TestOrigin(seed: 1)
        try await network.enrol(office, office: "5001", role: .office)
        try await network.push([office.change("applications", "5001.app-1", scope: ["5001"], [.set(field: "status", value: "assigned")])])
        let before = laptop.change(
            "applications", "5001.app-1", scope: ["5001"],
            [.add(field: "events", id: "e1", value: ["action": "record-inspection", "role": "surveyor", "actor": "chai"])])
        #expect(try await network.push([before]).applied == 1)
        let revoked = try await network.hub.peers.revoke(node: laptop.id)
        #expect(revoked.revokedAfterSeq == 1)
        // The stolen laptop's next change, carried in by hand: refused at the hub and at every replica.
        let after = laptop.change("applications", "5001.app-1", scope: ["5001"], [.add(field: "attachments", id: "p1", value: ["sha256": "x"])])
        #expect(codes(try await network.push([after])) == ["revoked_writer"])
        let replica = try await network.replica(office: "5001")
        try await network.pull(into: replica, office: "5001")
        #expect(codes(try await replica.apply([after])) == ["revoked_writer"])
        let record = try #require(try await replica.record(collection: "applications", id: "5001.app-1"))
        #expect(record.sets["events"]?["e1"] != nil && record.sets["attachments"] == nil, "what it wrote before stays")
        #expect(try await replica.digest(scope: "5001") == network.hub.digest(scope: "5001"))
    }

    @Test func aRosterEntryWrittenByAnyoneButTheHubCountsForNothing() async throws {
        let network = try await Network()
        let a = TestOrigin(seed: 1)
        try await network.enrol(a, office: "5001", role: .survey)
        let stranger = TestOrigin(seed: 9)
        let entry = RosterEntry(enrolment: Enrolment(node: stranger.id, office: "5001", role: .office), name: "forged", enrolledMillis: 1)
        let forged = a.change(
            AuthorityRules.rosterCollection, entry.recordID, scope: ["5001"],
            entry.fields.map { .set(field: $0.key, value: $0.value) }.sorted { $0.field < $1.field })
        #expect(codes(try await network.push([forged])) == ["hub_only"])
        // A replica handed both by hand still does not know the stranger.
        let replica = try await network.replica(office: "5001")
        try await network.pull(into: replica, office: "5001")
        #expect(codes(try await replica.apply([forged])) == ["hub_only"])
        let write = stranger.change("users", "5001.admin", scope: ["5001"], [.set(field: "role", value: "admin")])
        let held = try await replica.apply([write])
        #expect(held.applied == 0 && held.refused.isEmpty, "an unknown writer's change waits, inert")
        #expect(try await replica.record(collection: "users", id: "5001.admin") == nil)
    }

    @Test func localWritesAreJudgedBeforeTheyAreSigned() async throws {
        let network = try await Network()
        let office = try await network.replica(office: "5001", role: "office")
        let digest = try await office.digest(scope: "5001")
        for (collection, record, scope, code) in [
            ("users", "5002.admin", ["5002"], "not_owner"), ("office_settings", "5002", ["5001", "5002"], "not_owner"),
            (AuthorityRules.rosterCollection, "5001.x", ["5001"], "hub_only"), ("users", "hub.mallory", ["5001"], "hub_only"),
            ("applications", "5001.app-1", ["5002"], "owner_not_in_scope"), ("applications", "5001.app-1", ["5001", "hub"], "hub_only"),
        ] {
            await #expect { try await office.write(collection: collection, record: record, set: ["x": 1], scope: scope) } throws: {
                ($0 as? AuthorityRefusal)?.code == code && "\($0)".contains(record)
            }
        }
        #expect(try await office.node()?.lastSeq == 0, "nothing was signed")
        #expect(try await office.digest(scope: "5001") == digest, "nothing was written")
        try await office.write(collection: "applications", record: "5001.app-1", set: ["x": 1], scope: ["5001", "5002"])

        let survey = try await network.replica(office: "5001", role: "survey")
        await #expect { try await survey.write(collection: "users", record: "5001.chai", set: ["role": "admin"]) } throws: {
            ($0 as? AuthorityRefusal)?.code == "office_node_only"
        }
        await #expect { try await survey.write(collection: "applications", record: "5001.app-1", set: ["status": "approved"]) } throws: {
            ($0 as? AuthorityRefusal)?.code == "survey_not_allowed"
        }
        let approve: JSONValue = ["action": "approve", "role": "surveyor", "actor": "chai"]
        await #expect {
            try await survey.write(collection: "applications", record: "5001.app-1", add: [SetElement(field: "events", id: "e", value: approve)])
        } throws: {
            ($0 as? AuthorityRefusal)?.code == "survey_not_allowed"
        }
        let inspection: JSONValue = ["action": "record-inspection", "role": "surveyor", "actor": "chai"]
        try await survey.write(collection: "applications", record: "5001.app-1", add: [SetElement(field: "events", id: "e", value: inspection)])
        #expect(try await survey.node()?.lastSeq == 1)
    }

    @Test func aNodeUndoesItsOwnChangesTheHubRefused() async throws {
        let node = try await makeNode(office: "5001", authority: Network.rules)
        try await node.write(collection: "applications", record: "5001.app-1", set: ["status": "submitted", "area": 100])
        let reference = try await makeNode(office: "5001")
        try await reference.apply(try await node.changes(after: 0).changes.map(\.change))
        try await node.write(
            collection: "applications", record: "5001.app-1", set: ["status": "approved"], add: [SetElement(field: "events", id: "e1", value: 1)])
        #expect(try await node.record(collection: "applications", id: "5001.app-1")?.fields["status"] == "approved")

        let refusal = AuthorityRefusal(.surveyNotAllowed, "a survey node records field work only")
        #expect(try await node.markRefused([(seq: 2, refusal: refusal), (seq: 99, refusal: refusal)]) == 1, "unknown seqs are ignored")
        #expect(try await node.markRefused([(seq: 2, refusal: refusal)]) == 0, "marking twice changes nothing")
        let record = try #require(try await node.record(collection: "applications", id: "5001.app-1"))
        #expect(record.fields == ["status": "submitted", "area": 100] && record.sets.isEmpty, "rebuilt without the refused change")
        #expect(try await node.digest(scope: "5001") == reference.digest(scope: "5001"))
        let listed = try await node.refusedChanges()
        #expect(listed.count == 1 && listed[0].seq == 2 && listed[0].record == "5001.app-1" && listed[0].refusal == refusal)
        // The log goes on: the next write chains after the refused one.
        #expect(try await node.write(collection: "applications", record: "5001.app-1", set: ["area": 101]).seq == 3)
    }
}
