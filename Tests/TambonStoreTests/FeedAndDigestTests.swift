import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

@Suite struct FeedAndDigestTests {
    @Test func theFeedPagesByArrivalAndFiltersByScope() async throws {
        let store = try await makeNode(office: "hub")
        let a = TestOrigin(seed: 1)
        var batch: [Change] = []
        for index in 0..<10 {
            let scope = index % 3 == 0 ? ["5001", "5002"] : (index % 2 == 0 ? ["5001"] : ["5002"])
            batch.append(a.change("letters", "l-\(index)", scope: scope, [.set(field: "n", value: .number(Double(index)))]))
        }
        try await store.apply(batch)

        var seen: [Change] = []
        var cursor: Int64 = 0
        while true {
            let page = try await store.changes(after: cursor, scope: "5001", limit: 3)
            if page.changes.isEmpty { break }
            #expect(page.changes.count <= 3)
            #expect(page.changes.map(\.position) == page.changes.map(\.position).sorted())
            seen += page.changes.map(\.change)
            cursor = page.cursor
        }
        #expect(seen == batch.filter { $0.scope.contains("5001") })
        #expect(try await store.changes(after: 0, scope: "5003").changes.isEmpty)
        #expect(try await store.changes(after: 0).changes.map(\.change) == batch)
        // Changes read back from the feed are byte-for-byte the signed ones.
        for change in seen {
            #expect(throws: Never.self) { try ChangeValidator.verify(change, checkSignature: true) }
        }
    }

    @Test func digestsAgreeExactlyWhenTheStateAgrees() async throws {
        let a = TestOrigin(seed: 1)
        let b = TestOrigin(seed: 2)
        let changes = [
            a.change("app-1", [.set(field: "status", value: "approved")]),
            b.change("app-1", [.set(field: "status", value: "withdrawn"), .add(field: "events", id: "e1", value: 1)]),
            a.change("letters", "l-1", scope: ["5001", "5002"], [.set(field: "subject", value: "x")]),
            b.change("letters", "l-2", scope: ["5002"], [.set(field: "subject", value: "y")]),
        ]
        let one = try await makeNode()
        let two = try await makeNode()
        try await one.apply(changes)
        try await two.apply(changes.reversed())
        for office in ["5001", "5002", "9999"] {
            #expect(try await one.digest(scope: office) == two.digest(scope: office))
        }
        #expect(try await one.digest(scope: "5001") != one.digest(scope: "5002"))

        // One more element on one replica changes its digest for that scope only.
        try await two.apply([b.change("letters", "l-2", scope: ["5002"], [.add(field: "notes", id: "n1", value: "z")])])
        #expect(try await one.digest(scope: "5001") == two.digest(scope: "5001"))
        #expect(try await one.digest(scope: "5002") != two.digest(scope: "5002"))
    }
}

/// Office codes are case-sensitive: office `abc` never reads office `ABC`'s records or files (SQL `LIKE` would).
@Suite struct ScopeMatchTests {
    @Test func aScopeMatchesItsOfficeExactlyNotIgnoringCase() async throws {
        let store = try await makeNode(office: "hub")
        let hash = String(repeating: "ab", count: 32)
        let reference: JSONValue = ["sha256": .string(hash), "size": 3, "type": "application/pdf"]
        try await store.write(
            collection: "applications", record: "ABC.1", set: ["x": 1], add: [SetElement(field: "attachments", id: hash, value: reference)],
            scope: ["ABC"])
        try await store.write(collection: "applications", record: "abc-2.1", set: ["x": 2], scope: ["abc-2"])
        #expect(try await store.records(collection: "applications", office: "abc").isEmpty)
        #expect(try await store.records(collection: "applications", office: "ABC").map(\.id) == ["ABC.1"])
        #expect(try await store.records(collection: "applications", office: "abc").isEmpty, "nor a prefix of another code")
        #expect(try await store.attachmentReference(hash, office: "abc") == nil)
        #expect(try await store.attachmentReference(hash, office: "ABC")?.sha256 == hash)
        #expect(try await store.records(collection: "applications").count == 2, "no office: every record")
    }
}
