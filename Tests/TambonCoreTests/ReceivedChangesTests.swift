import Testing

@testable import TambonCore

/// Changes read from the wire keep the canonical operations their reader encoded to compute a left-out hash; the
/// verifier takes them instead of encoding and hashing again. These tests hold that shortcut to the full check.
@Suite struct ReceivedChangesTests {
    /// Changes whose values exercise the encoder: Thai text, escapes, nested objects with unsorted keys, numbers.
    static func varied(_ identity: NodeIdentity) -> [Change] {
        let values: [JSONValue] = [
            "ภาษาไทย \"quoted\"\n", .number(0.1), .number(-1e21), ["z": 1, "a": ["y": [true, nil], "b": "ข"]], [1, 2.5, "x"],
        ]
        var changes: [Change] = []
        var previous: [UInt8]?
        for (index, value) in values.enumerated() {
            let change = Change(
                origin: identity.id, seq: Int64(index + 1), hlc: HLC(millis: 500 + UInt64(index), counter: 0), collection: "applications",
                record: "5001.R\(index)", scope: ["5001", "5002"],
                operations: [.set(field: "value", value: value), .add(field: "events", id: "e\(index)", value: ["at": .number(Double(index))])],
                previous: previous
            ).signed(by: identity)
            previous = change.hash
            changes.append(change)
        }
        return changes
    }

    static func received(_ values: [JSONValue]) throws -> ReceivedChanges {
        try ChangeCodec.received(from: values) { _, error in error }
    }

    @Test func theReadersEncodingIsWhatAFullCheckEncodes() throws {
        let changes = Self.varied(try ChangeTests.identity(11))
        guard case .array(let values) = ChangeCodec.batchValue(changes) else { Issue.record("not an array"); return }
        let received = try Self.received(values)
        #expect(received.changes == changes)
        for index in changes.indices {
            let shortcut = try received.verify(at: index, checkSignature: true)
            let full = try ChangeValidator.verify(changes[index], checkSignature: true)
            #expect(shortcut.bytes == full.bytes, "change \(index)")
            #expect(shortcut.valueRanges == full.valueRanges, "change \(index)")
        }
    }

    @Test func aChangeThatCameWithItsHashHasItChecked() throws {
        let changes = Self.varied(try ChangeTests.identity(12))
        guard case .object(var altered) = ChangeCodec.value(of: changes[1]) else { Issue.record("not an object"); return }
        altered["ops"] = [["op": "set", "field": "value", "value": 2]]
        let received = try Self.received([ChangeCodec.value(of: changes[0]), .object(altered)])
        #expect(throws: Never.self) { try received.verify(at: 0, checkSignature: true) }
        #expect(throws: ChangeRejection(origin: changes[1].origin, seq: 2, reason: .badHash)) {
            try received.verify(at: 1, checkSignature: true)
        }
    }

    @Test func aChangeAlteredWithoutItsHashFailsItsSignatureEitherWay() throws {
        let changes = Self.varied(try ChangeTests.identity(13))
        guard case .array(var values) = ChangeCodec.batchValue(changes), case .object(var second) = values[1] else {
            Issue.record("not an array of objects")
            return
        }
        second["ops"] = [["op": "set", "field": "value", "value": 2]]
        values[1] = .object(second)
        let received = try Self.received(values)
        let badSignature = ChangeRejection(origin: changes[1].origin, seq: 2, reason: .badSignature)
        #expect(throws: badSignature) { try received.verify(at: 1, checkSignature: true) }
        #expect(throws: badSignature) { try ChangeValidator.verify(received.changes[1], checkSignature: true) }
        // Unchecked signatures (a benchmark's store) take the reader's hash, as the full check would.
        #expect(throws: Never.self) { try received.verify(at: 1, checkSignature: false) }
    }

    @Test func structureAndSizeAreStillChecked() throws {
        let identity = try ChangeTests.identity(14)
        let bad = Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 1, counter: 0), collection: "Bad Collection", record: "r", scope: ["5001"],
            operations: [.set(field: "a", value: 1)], previous: nil
        ).signed(by: identity)
        let huge = Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 1, counter: 0), collection: "c", record: "r", scope: ["5001"],
            operations: [.set(field: "a", value: .string(String(repeating: "ก", count: ChangeValidator.maximumBodyBytes / 3 + 1)))],
            previous: nil
        ).signed(by: identity)
        for change in [bad, huge] {
            let received = try Self.received([ChangeCodec.value(of: change, includingHash: false)])
            var viaReader: ChangeRejection?
            var viaFullCheck: ChangeRejection?
            do { _ = try received.verify(at: 0, checkSignature: true) } catch { viaReader = error }
            do { _ = try ChangeValidator.verify(change, checkSignature: true) } catch { viaFullCheck = error }
            #expect(viaReader != nil && viaReader == viaFullCheck, "\(change.collection): \(String(describing: viaReader))")
            if case .invalid? = viaReader?.reason {} else { Issue.record("not refused as invalid: \(String(describing: viaReader))") }
        }
    }

    @Test func changesMadeHereAreCheckedInFull() throws {
        let changes = Self.varied(try ChangeTests.identity(15))
        var tampered = changes[2]
        tampered.operations = [.set(field: "value", value: 3)]
        let received = ReceivedChanges([changes[0], tampered])
        #expect(throws: Never.self) { try received.verify(at: 0, checkSignature: true) }
        #expect(throws: ChangeRejection(origin: tampered.origin, seq: 3, reason: .badHash)) { try received.verify(at: 1, checkSignature: true) }
    }
}
