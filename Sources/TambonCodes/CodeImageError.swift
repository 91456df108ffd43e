import TambonCore

/// Why a QR code or a barcode could not be made: the text does not fit the symbol, or the library refused it.
public struct CodeImageError: Error, Sendable, Equatable, TambonErrorConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var tambonError: TambonError {
        TambonError(.invalid, "code_image", "cannot draw the code: \(reason)", thai: "สร้างคิวอาร์โค้ดหรือบาร์โค้ดไม่ได้")
    }
}
