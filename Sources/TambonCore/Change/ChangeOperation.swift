/// One operation of a change on one field of a record.
public enum ChangeOperation: Sendable, Hashable {
    /// The field becomes a last-writer-wins register holding `value`; ties are ordered by (HLC, origin id).
    case set(field: String, value: JSONValue)
    /// Adds the element `id` holding `value` to the grow-only set `field` (status events, comments, attachment
    /// references, inspection visits). An element never disappears; if two adds use the same id, the earliest by
    /// (HLC, origin id) holds.
    case add(field: String, id: String, value: JSONValue)

    public var field: String {
        switch self {
        case .set(let field, _), .add(let field, _, _): return field
        }
    }

    public var value: JSONValue {
        switch self {
        case .set(_, let value), .add(_, _, let value): return value
        }
    }
}
