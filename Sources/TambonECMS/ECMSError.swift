import TambonCore

/// Why an e-CMS envelope was refused: not XML, a DTD, not the schema's shape, or a field out of range.
public struct ECMSError: Error, Sendable, Equatable, TambonErrorConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var tambonError: TambonError {
        TambonError(.invalid, "invalid_ecms", "the e-CMS envelope was refused: \(reason)", thai: "ไฟล์หนังสือ e-CMS ไม่ถูกต้อง")
    }
}
