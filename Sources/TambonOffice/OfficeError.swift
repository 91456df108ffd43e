import TambonCore
import TambonOSS

/// Why the office refused a request: its kind (the web edge chooses the HTTP status from it), a code, messages in
/// Thai and English, and for a form the message of each field.
public struct OfficeError: Error, Sendable, CustomStringConvertible {
    public let kind: TambonError.Kind
    public let code: String
    public let thai: String
    public let english: String
    /// Field-by-field problems of a form (422).
    public let fields: [FieldError]

    public init(_ kind: TambonError.Kind, code: String, th thai: String, en english: String, fields: [FieldError] = []) {
        self.kind = kind
        self.code = code
        self.thai = thai
        self.english = english
        self.fields = fields
    }

    public var description: String { "\(code): \(english)" }

    public static let notFound = OfficeError(.notFound, code: "not_found", th: "ไม่พบคำขอนี้", en: "no such application")

    public static func invalid(_ errors: ValidationErrors) -> OfficeError {
        OfficeError(
            .unprocessable, code: "invalid_input", th: "ข้อมูลไม่ครบหรือไม่ถูกต้อง กรุณาแก้ไขตามที่ระบุ",
            en: "some fields are missing or invalid", fields: errors.errors)
    }

    public static func refused(_ refusal: ActionRefusal) -> OfficeError {
        let kind: TambonError.Kind =
            switch refusal.code {
            case .invalidForStatus: .conflict
            case .forbidden: .forbidden
            case .unknownAction: .invalid
            default: .unprocessable
            }
        return OfficeError(kind, code: refusal.code.rawValue, th: refusal.thai, en: refusal.english)
    }
}

extension OfficeError: TambonErrorConvertible {
    public var tambonError: TambonError { TambonError(kind, TambonError.Code(code), english, thai: thai, cause: self) }
}

extension OfficeError {
    /// A refusal of the pure layers (a service's settings or filing) as the office reports it.
    public init(_ error: TambonError) {
        self.init(error.kind, code: error.code.rawValue, th: error.thai, en: error.english)
    }
}
