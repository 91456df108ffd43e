import TambonCore

/// A record a reader skipped because it cannot be read: which one, and why, in Thai and English.
public struct DamagedRecord: Error, Sendable, Equatable {
    public let collection: String
    public let id: String
    /// A short code for the reason (`unknown_service`, `malformed_application`).
    public let code: String
    public let thai: String
    public let english: String

    public init(collection: String, id: String, code: String, th thai: String, en english: String) {
        self.collection = collection
        self.id = id
        self.code = code
        self.thai = thai
        self.english = english
    }

    /// The refusal a request for this record gets (409 `damaged_record`): the record exists, and what it holds
    /// cannot be shown or acted on until a node writes it whole again.
    public var error: OfficeError {
        OfficeError(
            .conflict, code: "damaged_record", th: "ข้อมูลของรายการนี้เสียหาย อ่านไม่ได้: \(thai) แจ้งผู้ดูแลระบบ",
            en: "\(collection)/\(id) is damaged and cannot be read: \(english)")
    }
}

extension DamagedRecord: TambonErrorConvertible {
    public var tambonError: TambonError { error.tambonError }
}
