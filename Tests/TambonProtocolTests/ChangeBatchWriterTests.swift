import TambonProtocol
import Testing

@testable import TambonCore

@Suite struct ChangeBatchWriterTests {
    /// Two origins, one chain with a gap and one starting at seq 1, awkward names and values.
    static func batch() throws -> [Change] {
        let first = try NodeIdentity(seed: Array(repeating: 3, count: 32))
        let second = try NodeIdentity(seed: Array(repeating: 4, count: 32))
        var changes: [Change] = []
        var previous: [UInt8]? = nil
        for seq in Int64(1)...4 {
            let change = Change(
                origin: first.id, seq: seq, hlc: HLC(millis: 1_800_000_000_000 + UInt64(seq), counter: 0), collection: "permit_applications",
                record: "app-\"\(seq)\"\\", scope: ["5001", "5002"],
                operations: [
                    .set(field: "name", value: .string("นาย \"ก\" \(seq)\n")), .set(field: "area", value: .number(Double(seq) + 0.5)),
                    .add(field: "events", id: "e\(seq)", value: ["at": 1e-9, "x": [nil, true]]),
                ],
                previous: previous
            ).signed(by: first)
            previous = change.hash
            if seq != 3 { changes.append(change) }  // #3 missing: #4 must carry its prev
        }
        changes.append(
            Change(
                origin: second.id, seq: 1, hlc: HLC(millis: 1_800_000_000_100, counter: 2), collection: "letters", record: "l1",
                scope: ["5001"], operations: [.set(field: "subject", value: "ขอเชิญประชุม")], previous: nil
            ).signed(by: second))
        return changes
    }

    @Test func writesTheCanonicalJSONOfTheBatchValueByteForByte() throws {
        let changes = try Self.batch()
        let members: [String: JSONValue] = ["cursor": 42, "more": true, "accepted_seq": 7, "protocol": 1]
        var expected = members
        expected["changes"] = ChangeCodec.batchValue(changes)
        let written = ChangeBatchWriter.message(members, changes: changes.map(StoredChange.init))
        #expect(written == CanonicalJSON.encode(.object(expected)))
        #expect(ChangeBatchWriter.message([:], changes: []) == Array(#"{"changes":[]}"#.utf8))
    }

    @Test func whatItWritesReadsBackAsTheSameChanges() throws {
        let changes = try Self.batch()
        let written = ChangeBatchWriter.message(["protocol": 1], changes: changes.map(StoredChange.init))
        guard case .array(let values)? = try JSONValue(parsing: written).objectValue?["changes"] else {
            Issue.record("no changes array")
            return
        }
        let read = try ChangeCodec.batch(from: values) { index, error in error }
        #expect(read == changes)
        #expect(read.allSatisfy { $0.hasValidSignature && $0.hasValidHash })
    }

    @Test func storedChangesDecodeBackAndRefuseDamage() throws {
        for change in try Self.batch() {
            #expect(try StoredChange(change).decoded() == change)
        }
        var damaged = StoredChange(try Self.batch()[0])
        damaged.canonicalOperations = Array(#"{"op":"set"}"#.utf8)
        #expect(throws: ChangeFormatError.self) { _ = try damaged.decoded() }
        damaged = StoredChange(try Self.batch()[0])
        damaged.canonicalScope = Array("[1]".utf8)
        #expect(throws: ChangeFormatError.self) { _ = try damaged.decoded() }
    }
}
