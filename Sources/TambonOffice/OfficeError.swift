import TambonOSS

/// Why the office refused a request, with the HTTP status the web layer answers and messages in Thai and English.
public struct OfficeError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let thai: String
    public let english: String
    /// Field-by-field problems of a form (422).
    public let fields: [FieldError]

    public init(status: Int, code: String, th thai: String, en english: String, fields: [FieldError] = []) {
        self.status = status
        self.code = code
        self.thai = thai
        self.english = english
        self.fields = fields
    }

    public var description: String { "\(code): \(english)" }

    public static let notFound = OfficeError(status: 404, code: "not_found", th: "ไม่พบคำขอนี้", en: "no such application")

    public static func invalid(_ errors: ValidationErrors) -> OfficeError {
        OfficeError(status: 422, code: "invalid_input", th: "ข้อมูลไม่ครบหรือไม่ถูกต้อง กรุณาแก้ไขตามที่ระบุ",
                    en: "some fields are missing or invalid", fields: errors.errors)
    }

    public static func refused(_ refusal: ActionRefusal) -> OfficeError {
        let status = switch refusal.code {
        case .invalidForStatus: 409
        case .forbidden: 403
        case .unknownAction: 400
        default: 422
        }
        return OfficeError(status: status, code: refusal.code.rawValue, th: refusal.thai, en: refusal.english)
    }
}
