import TambonCore
import TambonOSS
import TambonStore
import TambonTestSupport
import Testing

@testable import TambonOffice

/// An office node upgraded from the version that filed applications under their bare tracking code.
@Suite struct LegacyApplicationTests {
    static let code = "K7M2Q9XA"

    /// An office node's store (authority off, so the previous version's writes can be made) holding one application
    /// as that version filed it: id = the bare code, accepted and assigned, with a plan attached.
    static func upgradedNode(role: String? = nil) async throws -> (store: Store, book: ApplicationBook, clock: ManualClock) {
        let clock = ManualClock(OfficeFixture.start)
        var configuration = clock.configuration
        configuration.authority = nil
        let store = try Store.inMemory(configuration: configuration)
        try await store.initialiseNode(office: "5001", name: "office")
        if let role { try await store.saveHubLink(url: "https://hub.example:8443", caPEM: "-", hubID: NodeIdentity().id, role: role) }
        try await store.transaction { transaction in
            let events = [
                ApplicationEvent(id: "e1", hlc: transaction.stamp, action: .submit, actor: "citizen", role: .citizen),
                ApplicationEvent(
                    id: "e2", hlc: HLC(millis: transaction.stamp.millis + 1, counter: 0), action: .accept, actor: "somsri", role: .officer),
                ApplicationEvent(
                    id: "e3", hlc: HLC(millis: transaction.stamp.millis + 2, counter: 0), action: "assign-inspection", actor: "somsri",
                    role: .officer,
                    payload: ["assignee": "chai"]),
            ]
            let plan = ApplicationBook.reference(
                String(repeating: "ab", count: 32), size: 10, type: "application/pdf", name: "plan.pdf", kind: "plan", by: "citizen",
                at: transaction.stamp)
            return [
                LocalEdit(
                    collection: ApplicationRecord.collection, record: code,
                    set: [
                        "service": "building-permit", "office": "5001", "applicant": .object(OfficeFixture.applicant),
                        "details": .object(OfficeFixture.details), "submitted_ms": .number(Double(OfficeFixture.start)), "fees": ["total": 26_000],
                    ],
                    add: events.map { SetElement(field: "events", id: $0.id, value: $0.value) } + [plan])
            ]
        }
        return (store, ApplicationBook(store: store), clock)
    }

    @Test func anOlderApplicationIsReadableButNotWritable() async throws {
        let node = try await Self.upgradedNode()
        let legacy = try await node.book.application(Self.code)
        #expect(legacy.id == Self.code && legacy.office == nil && legacy.trackingCode == Self.code)
        #expect(legacy.state.status == .inspectionAssigned)
        #expect(try await node.book.queue(office: "5001").applications.map(\.id) == [Self.code])
        let before = try await node.store.statistics().changes
        await #expect {
            try await node.book.act(on: Self.code, action: "record-inspection", payload: OfficeFixture.inspection, actor: "chai", role: .surveyor)
        } throws: { ($0 as? OfficeError)?.code == "legacy_application" }
        await #expect {
            try await node.book.attach(to: Self.code, bytes: Array("%PDF-1.7".utf8), name: "x.pdf", kind: "document", actor: "somsri", role: .officer)
        } throws: { ($0 as? OfficeError)?.code == "legacy_application" }
        #expect(try await node.store.statistics().changes == before)
    }

    @Test func theOfficeNodeCopiesItIntoItsNamespaceOnceWithTheSameTimeline() async throws {
        let node = try await Self.upgradedNode()
        let legacy = try await node.book.application(Self.code)
        let original = try #require(try await node.store.record(collection: ApplicationRecord.collection, id: Self.code))

        #expect(try await node.book.migrateLegacyApplications() == 1)
        let copy = try await node.book.application(Self.code)
        #expect(copy.id == "5001." + Self.code && copy.office == "5001" && copy.trackingCode == Self.code, "readers prefer the copy")
        let stored = try #require(try await node.store.record(collection: ApplicationRecord.collection, id: copy.id))
        #expect(stored.fields == original.fields && stored.sets == original.sets && stored.scope == ["5001"])
        #expect(copy.timeline.entries.map(\.event) == legacy.timeline.entries.map(\.event), "the same events, ids and stamps")
        #expect(copy.attachments == legacy.attachments)
        #expect(try await node.book.queue(office: "5001").applications.map(\.id) == [copy.id], "listed once, as the copy")

        // Idempotent: nothing more to copy.
        let changes = try await node.store.statistics().changes
        #expect(try await node.book.migrateLegacyApplications() == 0)
        #expect(try await node.store.statistics().changes == changes)

        // The copy is the one to act on (a day later: the older events were stamped by hand past the node's clock).
        node.clock.advance(days: 1)
        let inspected = try await node.book.act(
            on: Self.code, action: "record-inspection", payload: OfficeFixture.inspection, actor: "chai", role: .surveyor)
        #expect(inspected.id == copy.id && inspected.state.status == .inspected)

        // An element that merged into the original later (from a node not yet upgraded) is added; no field of the
        // copy is written over.
        try await node.store.transaction { transaction in
            let note = ApplicationEvent(
                id: "late", hlc: transaction.stamp, action: "extend", actor: "somsri", role: .officer, payload: ["reason": "ฝนตก"])
            return [
                LocalEdit(
                    collection: ApplicationRecord.collection, record: Self.code, set: ["fees": ["total": 1]],
                    add: [SetElement(field: "events", id: note.id, value: note.value)])
            ]
        }
        #expect(try await node.book.migrateLegacyApplications() == 1)
        let topped = try #require(try await node.store.record(collection: ApplicationRecord.collection, id: copy.id))
        #expect(topped.sets["events"]?["late"] != nil)
        #expect(topped.fields["fees"] == ["total": 26_000])
    }

    @Test func aSurveyNodeCopiesNothing() async throws {
        let node = try await Self.upgradedNode(role: "survey")
        let before = try await node.store.statistics().changes
        #expect(try await node.book.migrateLegacyApplications() == 0)
        #expect(try await node.store.statistics().changes == before)
        #expect(try await node.book.application(Self.code).id == Self.code, "it still reads the original")
    }
}
