import TambonCore

/// An element to add to a grow-only set field in a local write.
public struct SetElement: Sendable, Hashable {
    public let field: String
    public let id: String
    public let value: JSONValue

    public init(field: String, id: String, value: JSONValue) {
        self.field = field
        self.id = id
        self.value = value
    }
}
