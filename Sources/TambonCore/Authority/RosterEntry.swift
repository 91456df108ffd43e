/// One enrolled node as the hub publishes it: the record `nodes/<office>.<node id>`, hub-written, in its office's
/// scope, so every replica of the office applies the authority rules with the same facts, offline (SPEC §15.4).
public struct RosterEntry: Sendable, Equatable {
    public var enrolment: Enrolment
    public var name: String
    public var enrolledMillis: Int64
    public var revokedMillis: Int64?

    public init(enrolment: Enrolment, name: String, enrolledMillis: Int64, revokedMillis: Int64? = nil) {
        self.enrolment = enrolment
        self.name = name
        self.enrolledMillis = enrolledMillis
        self.revokedMillis = revokedMillis
    }

    /// The record id: the office's namespace, then the node id.
    public var recordID: String { Authority.recordID(office: enrolment.office, local: enrolment.node.hex) }

    /// The register fields of the record.
    public var fields: [String: JSONValue] {
        [
            "node": .string(enrolment.node.hex), "office": .string(enrolment.office), "role": .string(enrolment.role.rawValue),
            "name": .string(name), "enrolled_ms": .number(Double(enrolledMillis)),
            "revoked_ms": revokedMillis.map { .number(Double($0)) } ?? .null,
            "revoked_after_seq": enrolment.revokedAfterSeq.map { .number(Double($0)) } ?? .null,
            "legacy_seq": .number(Double(enrolment.legacySeq)),
        ]
    }

    /// A share of the entry `primary`: the same fields under the id `<primary>:<number>` (number ≥ 1), with a scope of
    /// its own. A scope holds at most 64 offices (``ChangeValidator/maximumScope``); when a node's changes reach more
    /// offices than that — a circular letter to hundreds — the hub shares its entry with the rest through shares
    /// (SPEC §15.4).
    public static func shareID(of primary: String, number: Int) -> String { primary + ":" + String(number) }

    /// The primary entry's id for `id`, an entry's own or a share's; nil for a malformed share suffix (`:0`, `:01`,
    /// `:x`, more than four digits).
    public static func primaryID(of id: String) -> String? {
        guard let colon = id.lastIndex(of: ":") else { return id }
        let suffix = id.utf8[id.utf8.index(after: colon)...]
        guard (1...4).contains(suffix.count), suffix.first != UInt8(ascii: "0"), suffix.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return String(id[..<colon])
    }

    /// Reads a roster record — an entry or a share of one; nil if it is malformed or its id does not match its
    /// fields (then it names nobody).
    public init?(recordID: String, fields: [String: JSONValue]) {
        guard let node = fields["node"]?.stringValue.flatMap(NodeID.init(hex:)), let office = fields["office"]?.stringValue,
            Names.isValidOffice(office), office != Enrolment.hubOffice,
            let role = fields["role"]?.stringValue.flatMap(NodeRole.init(rawValue:)), role != .hub,
            Self.primaryID(of: recordID) == Authority.recordID(office: office, local: node.hex),
            let legacy = (fields["legacy_seq"] ?? .number(0)).integerValue, legacy >= 0
        else { return nil }
        var revokedAfter: Int64?
        if let value = fields["revoked_after_seq"], value != .null {
            guard let seq = value.integerValue, seq >= 0 else { return nil }
            revokedAfter = seq
        }
        let enrolled = fields["enrolled_ms"]?.integerValue ?? 0
        let revoked = fields["revoked_ms"]?.integerValue
        self.init(
            enrolment: Enrolment(node: node, office: office, role: role, revokedAfterSeq: revokedAfter, legacySeq: legacy),
            name: fields["name"]?.stringValue ?? "", enrolledMillis: enrolled, revokedMillis: revoked)
    }
}
