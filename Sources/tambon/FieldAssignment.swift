import TambonCore

/// Parses `FIELD=VALUE` arguments of `records put`.
enum FieldAssignment {
    static func parse(_ assignments: [String]) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw TambonError.command("expected FIELD=VALUE, got \"\(assignment)\"")
            }
            let field = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            guard Names.isValidField(field) else {
                throw TambonError.command("invalid field name \"\(field)\": a letter, then letters, digits, '_', '-' or '.'")
            }
            guard fields[field] == nil else { throw TambonError.command("field \"\(field)\" is given twice") }
            fields[field] = try value(text, field: field)
        }
        return fields
    }

    /// JSON if it parses; a bare word otherwise. Text that can only have been meant as JSON (starting with
    /// `[`, `{` or `"`, or shaped like a number) must parse.
    static func value(_ text: String, field: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            if let first = text.utf8.first, "[{\"-0123456789".utf8.contains(first), looksLikeJSON(text) {
                throw TambonError.command("malformed JSON value for \(field): \(error)")
            }
            return .string(text)
        }
    }

    private static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first else { return false }
        if "[{\"".contains(first) { return true }
        // Number-shaped: only digits, sign, point and exponent characters.
        return text.allSatisfy { "0123456789+-.eE".contains($0) }
    }
}
