import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// Random writers — an office node, a survey node, a stolen survey laptop revoked half-way, another office, the
/// hub — write random records of random collections with random scopes, signing by hand as a stolen key would.
/// Every change goes to the hub and, as a hand-made import would carry it, straight to a replica of its writer's
/// office. Checked against a reference model of SPEC §15.3 written here: the hub and the replica accept exactly
/// the changes the model allows, an honest office writing alongside is never refused, and every replica ends with
/// its office's state as the hub holds it.
@Suite struct AuthorityPropertyTests {
    struct Writer {
        let origin: TestOrigin
        let office: String
        let role: NodeRole
        var revokedAfter: Int64?
    }

    static let offices = ["5001", "5002", "5003", "hub"]
    static let collections = [
        "applications", "applications", "users", "office_settings", "number_registers", "nodes", "agencies", "hub_settings", "letters",
        "payments", "bills",
    ]

    /// SPEC §15.3, restated: the reference the store must agree with.
    static func expected(_ writer: Writer, _ change: Change) -> String? {
        if let revoked = writer.revokedAfter, change.seq > revoked { return "revoked_writer" }
        if ["nodes", "hub_settings", "agencies", "payments"].contains(change.collection) || change.scope.contains("hub") { return "hub_only" }
        let owner = change.record.split(separator: ".", maxSplits: 1).first.map(String.init) ?? change.record
        if owner == "hub" { return "hub_only" }
        if owner != writer.office { return "not_owner" }
        if !change.scope.contains(owner) { return "owner_not_in_scope" }
        if writer.role == .office { return nil }
        if ["users", "office_settings", "number_registers", "payers", "bills", "receipts"].contains(change.collection) { return "office_node_only" }
        if change.collection != "applications" { return "survey_not_allowed" }
        for operation in change.operations {
            switch operation {
            case .set: return "survey_not_allowed"
            case .add("attachments", _, _): continue
            case .add("events", _, let value):
                let event = value.objectValue ?? [:]
                if event["action"] == "record-inspection" && event["role"] == "surveyor" { continue }
                return "survey_not_allowed"
            case .add: return "survey_not_allowed"
            }
        }
        return nil
    }

    static func randomChange(by writer: Writer, step: Int, using random: inout SeededGenerator) -> Change {
        let collection = collections.randomElement(using: &random)!
        // Mostly the writer's own office, often another's or the hub's.
        let owner = Bool.random(using: &random) ? writer.office : offices.randomElement(using: &random)!
        let record = collection == "office_settings" ? owner : owner + ".r\(Int.random(in: 0..<6, using: &random))"
        let other = offices.filter { $0 != owner }.randomElement(using: &random)!
        let scope = [[owner], [owner], [owner, other], [other]].randomElement(using: &random)!.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let event: JSONValue = [
            "action": .string(["record-inspection", "approve", "accept"].randomElement(using: &random)!),
            "role": .string(["surveyor", "officer"].randomElement(using: &random)!), "actor": "x",
        ]
        var operations: [ChangeOperation] = []
        switch Int.random(in: 0..<4, using: &random) {
        case 0: operations = [.set(field: "status", value: .string("s\(step)"))]
        case 1: operations = [.add(field: "events", id: "e\(step)", value: event)]
        case 2: operations = [.add(field: "attachments", id: "p\(step)", value: ["sha256": "00"])]
        default: operations = [.add(field: "events", id: "e\(step)", value: event), .add(field: "notes", id: "n\(step)", value: "x")]
        }
        return writer.origin.change(collection, record, scope: scope, operations)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func theHubAndEveryReplicaAcceptExactlyWhatTheRulesAllow(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let network = try await AuthorityNetwork()
        var writers = [
            Writer(origin: TestOrigin(seed: 1), office: "5001", role: .office),
            Writer(origin: TestOrigin(seed: 2), office: "5001", role: .survey),
            Writer(origin: TestOrigin(seed: 3), office: "5001", role: .survey),  // stolen, revoked half-way
            Writer(origin: TestOrigin(seed: 4), office: "5002", role: .office),
        ]
        for writer in writers { try await network.enrol(writer.origin, office: writer.office, role: writer.role == .office ? .office : .survey) }
        // The honest office: a real node whose writes pass through the rules before they are signed.
        let honest = try await makeNode(office: "5003", clock: network.clock, authority: AuthorityNetwork.rules)
        let token = try await network.hub.peers.createEnrolmentToken(office: "5003", role: .office)
        _ = try await network.hub.peers.enrol(token: token, node: try await honest.node()!.id, office: "5003", name: "honest")
        try await honest.saveHubLink(url: "https://hub.test", caPEM: "-", hubID: network.hubID, role: "office")
        var replicas: [String: Store] = [:]
        var cursors: [String: Int64] = [:]
        for office in ["5001", "5002", "5003"] { replicas[office] = try await network.replica(office: office) }

        var refusedByHub = 0
        var allowed = 0
        for step in 0..<200 {
            if step == 100 {
                let revoked = try await network.hub.peers.revoke(node: writers[2].origin.id)
                writers[2].revokedAfter = revoked.revokedAfterSeq
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                // The hub writes what it likes (roster-like and office records), and every rule lets it.
                let office = ["5001", "5002", "5003"].randomElement(using: &random)!
                try await network.hub.write(
                    collection: ["applications", "agencies", "users"].randomElement(using: &random)!, record: "\(office).h\(step)",
                    set: ["by": "hub"], scope: [office])
            case 1, 2:
                let id = Int.random(in: 0..<5, using: &random)
                let (collection, record, scope): (String, String, [String]) = [
                    ("applications", "5003.app-\(id)", ["5003"]), ("users", "5003.u\(id)", ["5003"]), ("office_settings", "5003", ["5003"]),
                    ("letters", "5003.l\(id)", ["5001", "5003"]),
                ].randomElement(using: &random)!
                try await honest.write(collection: collection, record: record, set: ["n": .number(Double(step))], scope: scope)
                if Bool.random(using: &random) {
                    let pending = try await honest.pendingChanges(limit: 2000)
                    let result = try await network.push(pending)
                    #expect(result.refused.isEmpty, "the honest office is never refused (seed \(seed), step \(step))")
                    try await honest.acknowledge(seq: pending.last!.seq)
                }
            default:
                let writer = writers.randomElement(using: &random)!
                let change = Self.randomChange(by: writer, step: step, using: &random)
                let expected = Self.expected(writer, change)
                let atHub = try await network.push([change])
                #expect(
                    atHub.refused.first?.refusal.code == expected,
                    "hub, seed \(seed) step \(step): \(change.collection)/\(change.record) \(change.scope)")
                #expect(atHub.applied == (expected == nil ? 1 : 0))
                // The same change carried by hand to a replica of the writer's office, which holds the roster.
                let replica = replicas[writer.office]!
                cursors[writer.office] = try await network.pull(
                    into: replica, office: writer.office, after: cursors[writer.office] ?? 0, page: Int.random(in: 1...50, using: &random))
                let there = try await replica.apply([change])
                #expect(there.refused.first?.refusal.code == expected, "replica, seed \(seed) step \(step)")
                if expected == nil { allowed += 1 } else { refusedByHub += 1 }
            }
        }
        let pending = try await honest.pendingChanges(limit: 2000)
        if !pending.isEmpty { #expect(try await network.push(pending).refused.isEmpty) }
        #expect(allowed > 10 && refusedByHub > 30, "the walk exercised both outcomes (\(allowed) allowed, \(refusedByHub) refused)")
        for (office, replica) in replicas {
            try await network.pull(into: replica, office: office, after: cursors[office] ?? 0, page: 7)
            #expect(try await replica.digest(scope: office) == network.hub.digest(scope: office), "office \(office), seed \(seed)")
        }
        #expect(try await network.hub.peers.peer(try await honest.node()!.id)?.refusedCount == 0)
    }
}
