import HTTPTypes
import Hummingbird
import TambonCore

/// The JSON object a request carries, read strictly and with a cap on its size.
public enum JSONRequest {
    /// The request's JSON object body (at most 1 MiB).
    public static func object(_ request: Request, maximumBytes: Int = 1 << 20) async throws -> [String: JSONValue] {
        // Only JSON: a page on another site can post a form, but not `application/json` without the browser
        // asking first (CORS), which this server never allows.
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw WebError(
                .unsupportedMediaType, "json_only", th: "ต้องส่งข้อมูลเป็น JSON (Content-Type: application/json)",
                en: "send JSON with Content-Type: application/json")
        }
        let buffer = try await BodyReader.collect(request, upTo: maximumBytes)
        guard case .object(let members)? = try? JSONValue(parsing: Array(buffer: buffer)) else {
            throw WebError(.invalid, "malformed_json", th: "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง", en: "the body must be a JSON object")
        }
        return members
    }
}
