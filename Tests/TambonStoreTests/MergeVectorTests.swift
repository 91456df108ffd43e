import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

@Suite struct MergeVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sync-protocol/test-vectors")

    @Test(arguments: [0, 1, 2, 3, 4])
    func everyDeliveryOrderReachesTheVectorsState(seed: Int) async throws {
        let vectors = try JSONValue(parsing: Array(try Data(contentsOf: Self.directory.appendingPathComponent("merge.json"))))
        let changes = try #require(vectors.objectValue?["changes"]?.arrayValue).map { try ChangeCodec.change(from: $0) }
        var generator = SeededGenerator(seed: UInt64(seed))
        var delivery = (changes + changes.prefix(seed)).shuffled(using: &generator)
        let store = try await makeNode(clock: ManualClock(1_795_000_200_000))
        while !delivery.isEmpty {
            let size = Int.random(in: 1...4, using: &generator)
            try await store.apply(Array(delivery.prefix(size)))
            delivery.removeFirst(min(size, delivery.count))
        }
        for expected in try #require(vectors.objectValue?["expected_records"]?.arrayValue) {
            let object = try #require(expected.objectValue)
            let collection = try #require(object["collection"]?.stringValue)
            let id = try #require(object["record"]?.stringValue)
            let record = try #require(try await store.record(collection: collection, id: id))
            #expect(record.scope == object["scope"]?.arrayValue?.compactMap(\.stringValue))
            #expect(JSONValue.object(record.fields) == object["fields"])
            #expect(JSONValue.object(record.sets.mapValues { .object($0) }) == object["sets"])
        }
        for (office, digest) in try #require(vectors.objectValue?["expected_digests"]?.objectValue) {
            #expect(try await store.digest(scope: office) == digest.stringValue, "scope \(office)")
        }
    }
}
