import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonProtocol

/// The web's edge for a refused request: the error's kind chooses the status (the one table in
/// `TambonError+HTTP`), and the JSON body carries the code, the Thai message (first), the English one and, for
/// forms, the message of each field.
public struct WebError: HTTPResponseError {
    public let kind: TambonError.Kind
    public let code: String
    public let thai: String
    public let english: String
    public let fields: [FieldError]
    /// Seconds to wait before trying again (`Retry-After`), for a 429.
    public var retryAfterSeconds: Int?

    public init(
        _ kind: TambonError.Kind, _ code: String, th thai: String, en english: String, fields: [FieldError] = [], retryAfterSeconds: Int? = nil
    ) {
        self.kind = kind
        self.code = code
        self.thai = thai
        self.english = english
        self.fields = fields
        self.retryAfterSeconds = retryAfterSeconds
    }

    public init(_ error: OfficeError) {
        self.init(error.kind, error.code, th: error.thai, en: error.english, fields: error.fields)
    }

    /// Any error met while answering: its own kind and messages, an internal failure's text kept off the page.
    public init(_ error: any Error) {
        switch error {
        case let error as WebError: self = error
        case let error as OfficeError: self.init(error)
        case is NIOTooManyBytesError:
            self.init(.tooLarge, "body_too_large", th: "ข้อมูลที่ส่งมาใหญ่เกินกำหนด", en: "the request body is larger than this route reads")
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            // The framework's own refusals (a path parameter that is not a number): the client's fault, said as such.
            let kind = TambonError.Kind(httpStatus: error.status.code)
            self.init(kind, "malformed_request", th: kind.thai, en: "\(error)")
        default:
            let converted = TambonError(error)
            self =
                converted.kind == .internal
                ? WebError(.internal, "internal", th: converted.kind.thai, en: "the request could not be handled")
                : WebError(converted.kind, converted.code.rawValue, th: converted.thai, en: converted.english)
        }
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: kind.httpStatus) }

    public static let unauthenticated = WebError(.unauthenticated, "unauthenticated", th: "กรุณาเข้าสู่ระบบ", en: "log in first")
    public static let badCSRF = WebError(
        .forbidden, "csrf", th: "แบบฟอร์มหมดอายุหรือไม่ได้มาจากระบบนี้ กรุณาลองใหม่",
        en: "missing or wrong CSRF token: reload the page and try again")

    public var body: JSONValue {
        var members: [String: JSONValue] = ["error": .string(code), "message": .string(thai), "message_en": .string(english)]
        if let first = fields.first {
            // The first invalid field's own message: what a client shows beside that field.
            members["field"] = .string(first.field)
            members["message"] = .string(first.thai)
            members["message_en"] = .string(first.english)
            members["fields"] = .object(
                Dictionary(
                    fields.map { ($0.field, ["message": .string($0.thai), "message_en": .string($0.english)]) },
                    uniquingKeysWith: { first, _ in first }))
        }
        return .object(members)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(body, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}

extension OfficeError {
    /// The HTTP status the web answers for this refusal (from its kind: the mapping lives at this edge).
    public var status: Int { kind.httpStatus }
}

extension WebError: TambonErrorConvertible {
    /// The same refusal for an edge that speaks ``TambonCore/TambonError`` (the hub, which reads bodies through
    /// ``BodyReader`` too).
    public var tambonError: TambonError { TambonError(kind, TambonError.Code(code), english, thai: thai) }
}
