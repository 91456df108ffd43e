import TambonCore

/// Helpers to read protocol messages (JSON objects) strictly.
public enum SyncMessage {
    public static func object(_ bytes: [UInt8]) throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw TambonError(.invalid, "malformed_json", "\(error)")
        }
        guard case .object(let members) = value else {
            throw TambonError(.invalid, "malformed_message", "a message must be a JSON object")
        }
        return members
    }

    public static func integer(_ members: [String: JSONValue], _ key: String) throws -> Int64 {
        guard case .number(let number)? = members[key], number.rounded(.towardZero) == number, number >= 0, number < 9e15 else {
            throw TambonError(.invalid, "malformed_message", "\"\(key)\" must be a non-negative integer")
        }
        return Int64(number)
    }

    public static func string(_ members: [String: JSONValue], _ key: String) throws -> String {
        guard case .string(let text)? = members[key] else {
            throw TambonError(.invalid, "malformed_message", "\"\(key)\" must be a string")
        }
        return text
    }

    public static func changes(_ members: [String: JSONValue], _ key: String = "changes") throws -> [Change] {
        try received(members, key).changes
    }

    /// ``changes(_:_:)`` with what reading them computed, for the store that verifies and applies them.
    public static func received(_ members: [String: JSONValue], _ key: String = "changes") throws -> ReceivedChanges {
        guard case .array(let values)? = members[key] else {
            throw TambonError(.invalid, "malformed_message", "\"\(key)\" must be an array of changes")
        }
        return try ChangeCodec.received(from: values) { index, error in
            TambonError(.invalid, "malformed_change", "change \(index): \(error)")
        }
    }

    public static func encode(_ value: JSONValue) -> [UInt8] {
        CanonicalJSON.encode(value)
    }
}
