import TambonCore

/// One change of a push the hub's authority rules refused (SPEC §11, §15): which, on which record, and why. A push
/// with any is answered 403 with the first one's reason as `error` and every one in `refused`; the rest of the
/// batch applied, and `accepted_seq` covers the refused changes too (they stay in the node's chain, inert).
public struct PushRefusal: Sendable, Equatable {
    public let seq: Int64
    public let collection: String
    public let record: String
    public let refusal: AuthorityRefusal

    public init(seq: Int64, collection: String, record: String, refusal: AuthorityRefusal) {
        self.seq = seq
        self.collection = collection
        self.record = record
        self.refusal = refusal
    }

    /// The wire form: `{"seq", "collection", "record", "reason", "message"}`.
    public var value: JSONValue {
        [
            "seq": .number(Double(seq)), "collection": .string(collection), "record": .string(record),
            "reason": .string(refusal.code), "message": .string(refusal.message),
        ]
    }

    /// The refusals a hub's answer lists (an unknown reason is read as `not_owner`: refused all the same); nil if
    /// it lists none or is malformed.
    public static func list(in members: [String: JSONValue]) -> [PushRefusal]? {
        guard case .array(let values)? = members["refused"], !values.isEmpty, values.count <= SyncProtocol.maximumPushChanges else { return nil }
        var result: [PushRefusal] = []
        for value in values {
            guard case .object(let entry) = value, let seq = entry["seq"]?.integerValue, seq >= 1,
                let collection = entry["collection"]?.stringValue, let record = entry["record"]?.stringValue,
                let reason = entry["reason"]?.stringValue
            else { return nil }
            let message = String((entry["message"]?.stringValue ?? reason).prefix(1000))
            result.append(
                PushRefusal(
                    seq: seq, collection: collection, record: record,
                    refusal: AuthorityRefusal(AuthorityRefusal.Reason(rawValue: reason) ?? .notOwner, message)))
        }
        return result
    }
}
