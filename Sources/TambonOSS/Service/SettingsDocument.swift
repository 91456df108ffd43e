import Foundation
import TambonCore

/// Reads and writes the members of an office's settings document (`office_settings/<office>`, snake_case JSON) as
/// Codable values, and the refusal a service gives for a member out of range.
public enum SettingsDocument {
    /// The member `name` as `T`; nil when absent. A malformed member is refused, naming where.
    public static func member<T: Decodable>(_ name: String, of document: [String: JSONValue], as type: T.Type) throws -> T? {
        guard let value = document[name], value != .null else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(CanonicalJSON.encode(value)))
        } catch {
            throw TambonError(
                .unprocessable, "invalid_settings", "the settings are malformed: \(name).\(describe(error))",
                thai: "ค่าตั้งของสำนักงานไม่ถูกต้อง")
        }
    }

    /// `value` as a member of the document.
    public static func value<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONValue(parsing: Array(try encoder.encode(value)))
    }

    /// A member out of the range a service accepts.
    public static func outOfRange(th thai: String, en english: String) -> TambonError {
        TambonError(.unprocessable, "invalid_settings", english, thai: thai)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(context.codingPath.map(\.stringValue).joined(separator: ".")).\(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
