import TambonCore

/// A record's current merged state.
public struct RecordSnapshot: Sendable, Equatable {
    public let collection: String
    public let id: String
    public let scope: [String]
    /// Register fields and their winning values.
    public let fields: [String: JSONValue]
    /// Set fields: element id → value.
    public let sets: [String: [String: JSONValue]]

    public init(collection: String, id: String, scope: [String], fields: [String: JSONValue], sets: [String: [String: JSONValue]]) {
        self.collection = collection
        self.id = id
        self.scope = scope
        self.fields = fields
        self.sets = sets
    }

    /// The record as one JSON object: registers as keys with their values, set fields as keys holding an object
    /// of element id → value.
    public var jsonValue: JSONValue {
        var members = fields
        for (field, elements) in sets where members[field] == nil {
            members[field] = .object(elements)
        }
        return .object(members)
    }
}
