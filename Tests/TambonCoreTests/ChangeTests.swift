import Testing

@testable import TambonCore

@Suite struct ChangeTests {
    static func identity(_ byte: UInt8) throws -> NodeIdentity {
        try NodeIdentity(seed: Array(repeating: byte, count: 32))
    }

    @Test func reproducesTheVectorsBytesHashesAndSignatures() throws {
        let vectors = try TestVectors.load("changes.json")
        var identities: [NodeID: NodeIdentity] = [:]
        for key in try unwrap(vectors["keys"]?.arrayValue) {
            let identity = try NodeIdentity(seed: try unwrap(Hex.decode(try unwrap(key["seed"]?.stringValue))))
            #expect(identity.id.hex == key["node_id"]?.stringValue, "node id is the raw Ed25519 public key")
            identities[identity.id] = identity
        }
        let entries = try unwrap(vectors["changes"]?.arrayValue)
        #expect(entries.count == 4)
        for entry in entries {
            let change = try ChangeCodec.change(from: try unwrap(entry["change"]))
            #expect(String(decoding: change.canonicalBody, as: UTF8.self) == entry["canonical"]?.stringValue)
            #expect(Hex.encode(change.computeHash()) == entry["hash"]?.stringValue)
            #expect(change.hasValidSignature)
            #expect(try ChangeValidator.verify(change, checkSignature: true).bytes == change.canonicalOperations)
            // Ed25519 (RFC 8032) is deterministic: signing the same content again gives the same signature.
            let resigned = change.signed(by: try unwrap(identities[change.origin]))
            #expect(Hex.encode(resigned.signature) == entry["sig"]?.stringValue)
            // The wire form round-trips, with or without the (recomputable) hash.
            #expect(try ChangeCodec.change(from: ChangeCodec.value(of: change)) == change)
            #expect(try ChangeCodec.change(from: ChangeCodec.value(of: change, includingHash: false)) == change)
        }
    }

    @Test func directBodyEncodingEqualsCanonicalJSONOfTheBodyValue() throws {
        let identity = try Self.identity(9)
        let change = try Change(
            origin: identity.id, seq: 2, hlc: HLC(millis: 1_800_000_000_000, counter: 3), collection: "c.x-y_z",
            record: "r:1", scope: ["1", "A-2"],
            operations: [
                .set(field: "ชื่อ".isEmpty ? "x" : "name", value: ["ก": [1.5, nil], "a": "\u{0}"]),
                .add(field: "events", id: "e1", value: 1e-9),
            ],
            previous: Array(repeating: 0xAB, count: 32)
        ).signed(by: identity)
        #expect(change.canonicalBody == CanonicalJSON.encode(ChangeCodec.bodyValue(of: change)))
    }

    @Test func tamperingIsDetectedAsBadHashOrBadSignature() throws {
        let identity = try Self.identity(1)
        let other = try Self.identity(2)
        let change = try Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 5, counter: 0), collection: "c", record: "r", scope: ["5001"],
            operations: [.set(field: "area", value: 120)], previous: nil
        ).signed(by: identity)

        var edited = change
        edited.operations = [.set(field: "area", value: 121)]
        #expect(throws: ChangeRejection(origin: identity.id, seq: 1, reason: .badHash)) {
            try ChangeValidator.verify(edited, checkSignature: true)
        }

        // Re-hashed but signed by someone else: the hash is right, the signature is not the origin's.
        var forged = edited
        forged.hash = forged.computeHash()
        forged.signature = other.sign(forged.hash)
        #expect(throws: ChangeRejection(origin: identity.id, seq: 1, reason: .badSignature)) {
            try ChangeValidator.verify(forged, checkSignature: true)
        }
        // Signature checking can be turned off; the hash never can.
        #expect(throws: Never.self) { try ChangeValidator.verify(forged, checkSignature: false) }
    }

    @Test(arguments: [
        ("version", "protocol version 2 is not supported"),
        ("seq0", "seq must start at 1"),
        ("prevOnFirst", "seq 1 must have prev null"),
        ("collection", "invalid collection name"),
        ("record", "invalid record id"),
        ("scopeEmpty", "scope must name"),
        ("scopeUnsorted", "sorted and without duplicates"),
        ("office", "invalid office code"),
        ("noOps", "1 to 1000 operations"),
        ("field", "invalid field name"),
        ("twice", "is set twice"),
        ("element", "invalid element id"),
        ("both", "both set and added"),
        ("nan", "non-finite"),
    ])
    func structuralRulesAreEnforced(breakage: String, message: String) throws {
        let identity = try Self.identity(3)
        var change = Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 5, counter: 0), collection: "permits", record: "app-1",
            scope: ["5001"], operations: [.set(field: "area", value: 1)], previous: nil)
        switch breakage {
        case "version": change.version = 2
        case "seq0": change.seq = 0
        case "prevOnFirst": change.previous = Array(repeating: 1, count: 32)
        case "collection": change.collection = "Permits"
        case "record": change.record = "app 1"
        case "scopeEmpty": change.scope = []
        case "scopeUnsorted": change.scope = ["5002", "5001"]
        case "office": change.scope = ["50/01"]
        case "noOps": change.operations = []
        case "field": change.operations = [.set(field: "1area", value: 1)]
        case "twice": change.operations = [.set(field: "a", value: 1), .set(field: "a", value: 2)]
        case "element": change.operations = [.add(field: "events", id: "", value: 1)]
        case "both": change.operations = [.set(field: "a", value: 1), .add(field: "a", id: "x", value: 2)]
        case "nan": change.operations = [.set(field: "a", value: .number(.nan))]
        default: Issue.record("unknown case")
        }
        do {
            try ChangeValidator.validate(change)
            Issue.record("\(breakage) was accepted")
        } catch {
            guard case .invalid(let text) = error.reason else { Issue.record("wrong reason \(error.reason)"); return }
            #expect(text.contains(message), "\(text)")
        }
    }

    @Test func codecRefusesMalformedWireForms() throws {
        let identity = try Self.identity(4)
        let change = try Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 5, counter: 0), collection: "c", record: "r", scope: ["5001"],
            operations: [.set(field: "a", value: 1)], previous: nil
        ).signed(by: identity)
        guard case .object(let members) = ChangeCodec.value(of: change) else { Issue.record("not an object"); return }
        let breakages: [(String, JSONValue?)] = [
            ("origin", "XYZ"), ("seq", -1), ("seq", 1.5), ("hlc", "zz"), ("ops", "none"), ("prev", 3),
            ("hash", "00"), ("sig", nil), ("extra", 1), ("scope", [1]),
        ]
        for (key, value) in breakages {
            var broken = members
            broken[key] = value
            #expect(throws: ChangeFormatError.self, "\(key)") { _ = try ChangeCodec.change(from: .object(broken)) }
        }
        #expect(throws: ChangeFormatError.self) {
            _ = try ChangeCodec.change(from: .object(members.merging(["ops": [["op": "delete", "field": "a", "value": 1]]]) { $1 }))
        }
    }

    /// A chain of `count` changes by `identity`, each `prev` the hash before it.
    static func chain(_ identity: NodeIdentity, count: Int, from seq: Int64 = 1, after previous: [UInt8]? = nil) -> [Change] {
        var changes: [Change] = []
        var prev = previous
        for index in 0..<Int64(count) {
            let change = Change(
                origin: identity.id, seq: seq + index, hlc: HLC(millis: 100 + UInt64(index), counter: 0), collection: "c",
                record: "r\(index)", scope: ["5001"], operations: [.set(field: "a", value: .number(Double(index)))], previous: prev
            ).signed(by: identity)
            changes.append(change)
            prev = change.hash
        }
        return changes
    }

    @Test func batchesLeaveOutEveryPrevTheReceiverCanDerive() throws {
        let a = try Self.identity(5)
        let b = try Self.identity(6)
        // a's 1–3, then b's 7–8 (b's 7 follows a change not in the batch), then a's 4.
        let aChain = Self.chain(a, count: 4)
        let bChain = Self.chain(b, count: 2, from: 7, after: Array(repeating: 0xCD, count: 32))
        let batch = Array(aChain[0..<3]) + bChain + [aChain[3]]
        guard case .array(let values) = ChangeCodec.batchValue(batch) else { Issue.record("not an array"); return }
        let withPrev = values.map { $0.objectValue?["prev"] != nil }
        #expect(withPrev == [true, false, false, true, false, true], "prev stays only where the change before is not the predecessor")
        #expect(values.allSatisfy { $0.objectValue?["hash"] == nil })
        let decoded = try ChangeCodec.batch(from: values) { index, error in error }
        #expect(decoded == batch)
        #expect(decoded.allSatisfy { $0.hasValidSignature })
    }

    @Test func aLeftOutPrevWithoutItsPredecessorIsMalformed() throws {
        let a = try Self.identity(7)
        let chain = Self.chain(a, count: 3)
        guard case .array(let values) = ChangeCodec.batchValue(chain) else { Issue.record("not an array"); return }
        // Change 2 and 3 rely on the one before; dropping change 1 or 2 leaves one without its predecessor.
        for (label, broken) in [("first dropped", Array(values.dropFirst())), ("middle dropped", [values[0], values[2]])] {
            var failedAt: Int?
            do {
                _ = try ChangeCodec.batch(from: broken) { index, error -> ChangeFormatError in
                    failedAt = index; return error
                }
                Issue.record("\(label) was accepted")
            } catch {
                #expect("\(error)".contains("prev"), "\(label): \(error)")
            }
            #expect(failedAt == (label == "first dropped" ? 1 : 2))
        }
        // A change altered in transit also breaks its successor's derived prev: both fail their signatures.
        guard case .object(var second) = values[1] else { Issue.record("not an object"); return }
        second["ops"] = [["op": "set", "field": "a", "value": 99]]
        let tampered = try ChangeCodec.batch(from: [values[0], .object(second), values[2]]) { _, error in error }
        #expect(tampered.map(\.hasValidSignature) == [true, false, false])
    }

    @Test func versionOrdersByHLCThenOriginThenSeq() throws {
        let low = try Self.identity(1).id
        let high = try Self.identity(2).id
        let (a, b) = low < high ? (low, high) : (high, low)
        let t = HLC(millis: 10, counter: 0)
        #expect(Version(hlc: t, origin: a, seq: 9) < Version(hlc: t, origin: b, seq: 1))
        #expect(Version(hlc: t, origin: b, seq: 9) < Version(hlc: HLC(millis: 10, counter: 1), origin: a, seq: 1))
        #expect(Version(hlc: t, origin: a, seq: 1) < Version(hlc: t, origin: a, seq: 2), "a faulty origin's equal stamps still order")
    }
}
