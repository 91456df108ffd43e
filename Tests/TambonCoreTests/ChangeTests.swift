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
            let resigned = try change.signed(by: try unwrap(identities[change.origin]))
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
            operations: [.set(field: "ชื่อ".isEmpty ? "x" : "name", value: ["ก": [1.5, nil], "a": "\u{0}"]),
                         .add(field: "events", id: "e1", value: 1e-9)],
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
        forged.signature = try other.sign(forged.hash)
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
