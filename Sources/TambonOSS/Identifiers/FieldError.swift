/// Input that is refused, tied to the form field it came from, with the message in Thai (shown first) and English.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field's name in forms and JSON (`national_id`, `floor_area_m2`, …).
    public let field: String
    public let thai: String
    public let english: String

    public init(_ field: String, th thai: String, en english: String) {
        self.field = field
        self.thai = thai
        self.english = english
    }

    public var description: String { "\(field): \(english)" }
}

/// Every refused field of one submitted form, so the form can show each message beside its field.
public struct ValidationErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public subscript(field: String) -> FieldError? { errors.first { $0.field == field } }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
