import Testing

@testable import TambonCore

/// The authority rules (SPEC §15) against test-vectors/authority.json, written by the independent Python
/// implementation in scripts/make-test-vectors.py.
@Suite struct AuthorityVectorTests {
    static func rules(from table: JSONValue) throws -> AuthorityRules {
        func names(_ value: JSONValue?) throws -> Set<String> {
            Set(try unwrap(value?.arrayValue).map { try unwrap($0.stringValue) })
        }
        var survey: [String: SurveyAllowance] = [:]
        for (collection, allowance) in try unwrap(table["survey"]?.objectValue) {
            survey[collection] = SurveyAllowance(
                sets: try names(allowance["sets"]), eventSet: allowance["event_set"]?.stringValue,
                fieldActions: try names(allowance["field_actions"]))
        }
        return AuthorityRules(hubOnly: try names(table["hub_only"]), officeNodeOnly: try names(table["office_node_only"]), survey: survey)
    }

    static func enrolment(from value: JSONValue) throws -> Enrolment? {
        if value == .null { return nil }
        let revoked = try unwrap(value["revoked_after_seq"])
        let revokedAfterSeq: Int64? = revoked == .null ? nil : try unwrap(revoked.integerValue)
        return Enrolment(
            node: try unwrap(value["node"]?.stringValue.flatMap(NodeID.init(hex:))), office: try unwrap(value["office"]?.stringValue),
            role: try unwrap(value["role"]?.stringValue.flatMap(NodeRole.init(rawValue:))),
            revokedAfterSeq: revokedAfterSeq,
            legacySeq: try unwrap(value["legacy_seq"]?.integerValue))
    }

    @Test func theVectorsUseTheCatalogsRules() throws {
        let vectors = try TestVectors.load("authority.json")
        let rules = try Self.rules(from: try unwrap(vectors["rules"]))
        #expect(rules == AuthorityRules.standard.allowingFieldActions(["record-inspection"]))
    }

    @Test func decidesAsTheIndependentImplementation() throws {
        let vectors = try TestVectors.load("authority.json")
        let rules = try Self.rules(from: try unwrap(vectors["rules"]))
        let entries = try unwrap(vectors["vectors"]?.arrayValue)
        #expect(entries.count >= 40)
        var codes: Set<String> = []
        for entry in entries {
            let name = try unwrap(entry["name"]?.stringValue)
            let change = try ChangeCodec.change(from: try unwrap(entry["change"]))
            #expect(change.hasValidSignature, "\(name)")
            let writer = try Self.enrolment(from: try unwrap(entry["writer"]))
            let expected = try unwrap(entry["expect"]).stringValue
            let refusal = Authority.decide(change, writer: writer, rules: rules)
            #expect(refusal?.code == expected, "\(name) (rule \(entry["rule"]?.integerValue ?? 0)): \(refusal?.message ?? "allowed")")
            if let expected { codes.insert(expected) }
        }
        // Every reason of the pure rules; `feed_limit` depends on what the hub holds (SPEC §6.2), not on the change.
        let pure = AuthorityRefusal.Reason.allCases.filter { $0 != .feedLimit }
        #expect(codes == Set(pure.map(\.rawValue)), "every reason is covered")
    }

    @Test func readsRosterEntriesAsTheIndependentImplementation() throws {
        let vectors = try TestVectors.load("authority.json")
        let entries = try unwrap(vectors["roster"]?.arrayValue)
        #expect(!entries.isEmpty)
        for entry in entries {
            let name = try unwrap(entry["name"]?.stringValue)
            let parsed = RosterEntry(recordID: try unwrap(entry["record"]?.stringValue), fields: try unwrap(entry["fields"]?.objectValue))
            let expected = try Self.enrolment(from: try unwrap(entry["expect"]))
            #expect(parsed?.enrolment == expected, "\(name)")
        }
    }
}
