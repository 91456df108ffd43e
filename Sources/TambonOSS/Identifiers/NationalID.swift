/// A 13-digit Thai national ID (personal) or tax ID (juristic persons, government bodies), with its check digit.
///
/// Check digit (domain facts, python-stdnum th/pin.py): s = Σ_{i=0..11} d[i]·(13 − i); check = (11 − s mod 11) mod 10.
/// Personal IDs never start with 0 or 9; juristic and tax IDs start with 0.
public struct NationalID: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case person
        case juristic
    }

    /// The 13 digits, without separators.
    public let digits: String

    /// Accepts the 13 digits with or without the usual separators (spaces, dashes: `1-2345-45678-78-1`).
    public init(_ text: String) throws(FieldError) {
        let compact = text.filter { $0 != " " && $0 != "-" }
        guard compact.count == 13, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FieldError("national_id", th: "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก", en: "the national ID must be 13 digits")
        }
        guard Self.checkDigit(of: compact) == compact.last?.wholeNumberValue else {
            throw FieldError(
                "national_id", th: "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง)",
                en: "the national ID is not valid (its check digit does not match)")
        }
        digits = compact
    }

    /// The check digit the first 12 digits call for.
    static func checkDigit(of digits: String) -> Int {
        let values = digits.prefix(12).compactMap(\.wholeNumberValue)
        let sum = values.enumerated().reduce(0) { $0 + $1.element * (13 - $1.offset) }
        return (11 - sum % 11) % 10
    }

    /// Juristic and tax IDs start with 0; anything else (1–8) is a person's.
    public var kind: Kind { digits.first == "0" ? .juristic : .person }

    /// Whether this ID can be a natural person's (not starting with 0 or 9).
    public var isPersonal: Bool { digits.first != "0" && digits.first != "9" }

    /// `1-2345-45678-78-1`, as printed on the card.
    public var formatted: String {
        let d = Array(digits)
        return "\(d[0])-\(String(d[1...4]))-\(String(d[5...9]))-\(String(d[10...11]))-\(d[12])"
    }

    /// Only the last four digits, for screens that must not show the whole number.
    public var masked: String { "x-xxxx-xxxxx-" + String(Array(digits)[10...11]) + "-" + String(digits.last!) }

    public var description: String { masked }
}
