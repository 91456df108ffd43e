import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonProtocol
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTestSupport
import Testing

/// SPEC §11a through the hub's router in process: a phone bound to an officer gets that officer's assigned
/// inspections with their histories and files, and nothing else of the office; the office's feed is closed to it.
@Suite struct PhoneAssignedWorkTests {
    @Test func aPhoneGetsItsOfficersWorkAndNothingElse() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let office = try await hub.node(office: "6500101")
        let book = ApplicationBook(store: office.store)
        var ids: [String] = []
        for assignee in ["chai", "dang"] {
            let filed = try await book.submit(service: "building-permit", applicant: OfficeFixture.applicant, details: OfficeFixture.details)
            try await book.act(on: filed.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
            try await book.act(on: filed.id, action: "assign-inspection", payload: ["assignee": .string(assignee)], actor: "somsri", role: .officer)
            let pdf = Array("%PDF-1.4\n% แบบแปลน \(assignee)\n".utf8) + [UInt8](repeating: 0x20, count: 300)
            try await book.attach(to: filed.id, bytes: pdf, name: "แบบแปลน.pdf", kind: "plan", actor: "somsri", role: .officer)
            ids.append(filed.id)
        }
        let list = try #require(try await office.store.record(collection: SurveyAssignments.collection, id: "6500101.chai"))
        #expect(list.fields["applications"] == .array([.string(ids[0])]) && list.scope == ["6500101"])
        try await office.sync()

        // Chai's phone: a survey node whose token names chai.
        let phone = try Store.inMemory(configuration: hub.clock.configuration)
        try await phone.initialiseNode(office: "6500101", name: "โทรศัพท์ของชัย")
        let transport = InMemoryHubTransport(responder: hub.responder, logger: quietLogger)
        let token = try await hub.store.peers.createEnrolmentToken(office: "6500101", role: .survey, officer: "chai")
        try await NodeEnrolment.join(store: phone, transport: transport, url: "https://hub.test", caPEM: "", token: token)
        let node = try #require(try await phone.node()), link = try #require(try await phone.hubLink())
        let signer = RequestSigner.store(phone, node: node.id, hub: link.hubID)
        #expect(try await hub.store.peers.all().first { $0.id == node.id }?.officer == "chai")

        let answer = try await transport.post(SyncProtocol.Path.assigned, body: ["protocol": 2], signer: signer, deadline: .seconds(10))
        #expect(answer.members["assigned"] == .array([.string(ids[0])]) && answer.members["officer"] == "chai")
        let changes = try SyncMessage.changes(answer.members)
        #expect(!changes.isEmpty && changes.allSatisfy { $0.collection == ApplicationRecord.collection && $0.record == ids[0] })
        let again = try await transport.post(
            SyncProtocol.Path.assigned, body: ["protocol": 2, "have": [ids[0]: .number(Double(changes.count))]], signer: signer,
            deadline: .seconds(10))
        #expect(try SyncMessage.changes(again.members).isEmpty, "held whole: not sent again")

        // Refusals: the office's feed, a malformed `have`, assigned work asked by a node that is not a phone.
        await #expect {
            try await transport.post(SyncProtocol.Path.pull, body: ["protocol": 2, "after": 0, "limit": 10], signer: signer, deadline: .seconds(10))
        } throws: {
            ($0 as? TambonError)?.code == "phone_pulls_assigned"
        }
        await #expect {
            try await transport.post(
                SyncProtocol.Path.assigned, body: ["protocol": 2, "have": [ids[0]: 1e300]], signer: signer, deadline: .seconds(10))
        } throws: {
            ($0 as? TambonError)?.code == "malformed_message"
        }
        await #expect {
            try await office.transport.post(
                SyncProtocol.Path.assigned, body: ["protocol": 2], signer: try await office.signer(), deadline: .seconds(10))
        } throws: {
            ($0 as? TambonError)?.code == "not_a_phone"
        }

        // Files: the plan of chai's application, not the one of dang's.
        func plan(_ id: String) async throws -> String {
            let record = try #require(try await office.store.record(collection: ApplicationRecord.collection, id: id))
            return try #require(record.sets[AttachmentReference.field]?.keys.first)
        }
        let mine = try await transport.post(
            SyncProtocol.Path.blobsGet, body: ["sha256": .string(try await plan(ids[0])), "offset": 0], signer: signer, deadline: .seconds(10))
        #expect(mine.body.count > 300 && mine.chunkHash != nil, "the plan, whole")
        await #expect {
            try await transport.post(
                SyncProtocol.Path.blobsGet, body: ["sha256": .string(try await plan(ids[1])), "offset": 0], signer: signer, deadline: .seconds(10))
        } throws: {
            ($0 as? TambonError)?.code == "not_referenced"
        }

        // The inspection recorded (here by the office's officer): chai's list is empty, and so is the phone's work.
        try await book.act(
            on: ids[0], action: "record-inspection", payload: ["inspection": ["lat": 18.7605, "lon": 98.936, "accuracy_m": 5, "result": "pass"]],
            actor: "somsri", role: .officer)
        try await office.sync()
        let after = try await transport.post(SyncProtocol.Path.assigned, body: ["protocol": 2], signer: signer, deadline: .seconds(10))
        #expect(after.members["assigned"] == .array([]))
    }
}
