import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

@Suite struct LocalWriteTests {
    @Test func aWriteIsOneSignedChainedChangeAndUpdatesTheState() async throws {
        let store = try await makeNode()
        let node = try #require(try await store.node())
        let first = try await store.write(collection: "permits", record: "app-1", set: ["area": 120, "status": "draft"])
        let second = try await store.write(
            collection: "permits", record: "app-1", set: ["area": 130],
            add: [SetElement(field: "events", id: "ev-1", value: ["kind": "submitted"])])

        #expect(first.origin == node.id && first.seq == 1 && first.previous == nil)
        #expect(second.seq == 2 && second.previous == first.hash && second.hlc > first.hlc)
        #expect(first.scope == ["5001"] && second.scope == ["5001"])
        for change in [first, second] {
            #expect(throws: Never.self) { try ChangeValidator.verify(change, checkSignature: true) }
        }
        let record = try #require(try await store.record(collection: "permits", id: "app-1"))
        #expect(record.fields == ["area": 130, "status": "draft"])
        #expect(record.sets == ["events": ["ev-1": ["kind": "submitted"]]])
        #expect(record.jsonValue == ["area": 130, "status": "draft", "events": ["ev-1": ["kind": "submitted"]]])
        let page = try await store.changes(after: 0)
        #expect(page.changes.map(\.change) == [first, second])
        #expect(try await store.node()?.lastSeq == 2)
    }

    @Test func anExistingRecordKeepsItsScopeUnlessOneIsGiven() async throws {
        let store = try await makeNode()
        try await store.write(collection: "letters", record: "l-1", set: ["subject": "x"], scope: ["5002", "5001", "5002"])
        let kept = try await store.write(collection: "letters", record: "l-1", set: ["read": true])
        #expect(kept.scope == ["5001", "5002"])
    }

    @Test func invalidWritesAreRefusedAndChangeNothing() async throws {
        let store = try await makeNode()
        try await store.write(collection: "permits", record: "app-1", set: ["area": 1])
        let before = try await store.digest(scope: "5001")
        let attempts: [(String, String, [String: JSONValue])] = [
            ("Permits", "app-1", ["a": 1]), ("permits", "app 1", ["a": 1]), ("permits", "app-1", [:]),
            ("permits", "app-1", ["1a": 1]), ("permits", "app-1", ["a": .number(.infinity)]),
        ]
        for (collection, record, fields) in attempts {
            await #expect(throws: StoreError.self) {
                try await store.write(collection: collection, record: record, set: fields)
            }
        }
        #expect(try await store.digest(scope: "5001") == before)
        #expect(try await store.node()?.lastSeq == 1)
    }

    @Test func theClockNeverRepeatsWhenTheWallClockJumpsBack() async throws {
        let clock = ManualClock(1_800_000_000_000)
        let store = try await makeNode(clock: clock)
        let a = try await store.write(collection: "c", record: "r", set: ["x": 1])
        clock.set(1_700_000_000_000)
        let b = try await store.write(collection: "c", record: "r", set: ["x": 2])
        #expect(b.hlc > a.hlc)
        #expect(try await store.record(collection: "c", id: "r")?.fields["x"] == 2, "the later write wins")
    }

    @Test func theClockHighWaterMarkSurvivesARestart() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock(1_800_000_000_000)
        var last: HLC
        do {
            let store = try DataDirectory(path: directory).create(configuration: clock.configuration)
            try await store.initialiseNode(office: "5001", name: "n")
            for value in 0..<5 { last = try await store.write(collection: "c", record: "5001.r", set: ["x": .number(Double(value))]).hlc }
        }
        last = try #require(try await DataDirectory(path: directory).open(configuration: clock.configuration).node()).clock
        clock.set(1_799_000_000_000)
        let reopened = try DataDirectory(path: directory).open(configuration: clock.configuration)
        let next = try await reopened.write(collection: "c", record: "5001.r", set: ["x": 99])
        #expect(next.hlc > last)
        #expect(next.seq == 6)
    }

    @Test func aDataDirectoryCopiedToAnotherMachineRefusesToWriteUntilAdopted() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var here = StoreConfiguration(host: "machine-id:aaaa")
        let original = try DataDirectory(path: directory).create(configuration: here)
        try await original.initialiseNode(office: "5001", name: "n")
        try await original.write(collection: "c", record: "5001.r", set: ["x": 1])

        here.host = "machine-id:bbbb"
        let copy = try DataDirectory(path: directory).open(configuration: here)
        do {
            try await copy.write(collection: "c", record: "5001.r", set: ["x": 2])
            Issue.record("a copied directory wrote as the original node")
        } catch let error as StoreError {
            #expect(error.code == .copiedDataDirectory)
            #expect(error.description.contains("node adopt"))
        }
        #expect(try await copy.record(collection: "c", id: "5001.r")?.fields["x"] == 1)
        try await copy.adoptHost()
        #expect(try await copy.write(collection: "c", record: "5001.r", set: ["x": 2]).seq == 2)
    }

    @Test func initRefusesAnExistingNode() async throws {
        let store = try await makeNode()
        await #expect(throws: StoreError.self) { try await store.initialiseNode(office: "5001", name: "again") }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try DataDirectory(path: directory).create(configuration: .init())
        #expect(throws: StoreError.self) { _ = try DataDirectory(path: directory).create(configuration: .init()) }
        #expect(throws: StoreError.self) { _ = try DataDirectory(path: directory + "-missing").open(configuration: .init()) }
        #expect(!FileManager.default.fileExists(atPath: directory + "-missing"), "opening must not create anything")
    }
}
