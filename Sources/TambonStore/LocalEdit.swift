import TambonCore

/// One record's part of a local write: register fields to set and set elements to add, and optionally its scope.
public struct LocalEdit: Sendable {
    public var collection: String
    public var record: String
    public var fields: [String: JSONValue]
    public var elements: [SetElement]
    public var scope: [String]?

    public init(collection: String, record: String, set fields: [String: JSONValue] = [:], add elements: [SetElement] = [], scope: [String]? = nil) {
        self.collection = collection
        self.record = record
        self.fields = fields
        self.elements = elements
        self.scope = scope
    }
}
