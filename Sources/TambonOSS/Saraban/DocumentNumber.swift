/// A letter's number (ที่): the agency's letter code and unit (`มท 0808.2`), "/", and the outgoing register number,
/// with ว before it for a circular: `ที่ มท 0808.2/1234`, `ที่ มท 0808.2/ว 1234`. The register runs per office and
/// calendar year, so the number says its year through the letter's date.
public struct DocumentNumber: Sendable, Equatable, CustomStringConvertible {
    public let letterCode: String
    public let sequence: Int
    public let isCircular: Bool

    public init(letterCode: String, sequence: Int, isCircular: Bool) throws(FieldError) {
        guard Self.isLetterCode(letterCode) else {
            throw FieldError(
                "letter_code", th: "รหัสหนังสือต้องเป็นอักษรย่อและตัวเลข เช่น มท 0808.2 (ไม่เกิน 40 ตัวอักษร)",
                en: "a letter code is Thai initials and digits such as มท 0808.2, at most 40 characters")
        }
        guard sequence >= 1 else { throw FieldError("number", th: "เลขทะเบียนต้องมากกว่า 0", en: "the register number must be at least 1") }
        self.letterCode = letterCode
        self.sequence = sequence
        self.isCircular = isCircular
    }

    /// Thai letters, digits (Thai or Arabic), spaces, `.` and `-`, starting with a letter: `มท 0808.2`, `ชม 7201`.
    public static func isLetterCode(_ text: String) -> Bool {
        guard (2...40).contains(text.count), let first = text.unicodeScalars.first, (0x0E01...0x0E2E).contains(first.value) else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            (0x0E01...0x0E4E).contains(scalar.value) || (0x0E50...0x0E59).contains(scalar.value) || ("0"..."9").contains(scalar)
                || scalar == " " || scalar == "." || scalar == "-"
        } && !text.hasSuffix(" ") && !text.contains("  ")
    }

    /// `มท 0808.2/ว 1234` (without `ที่`).
    public var description: String { letterCode + "/" + (isCircular ? "ว " : "") + String(sequence) }

    /// `ที่ มท 0808.2/ว 1234`.
    public var thaiText: String { "ที่ " + description }

    /// Reads `มท 0808.2/1234`, `ที่ มท 0808.2/ว 1234` (the `ที่` optional); nil for anything else.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("ที่ ") { body = body.dropFirst("ที่ ".count) }
        guard let slash = body.lastIndex(of: "/") else { return nil }
        var tail = body[body.index(after: slash)...]
        let circular = tail.hasPrefix("ว ") || tail.hasPrefix("ว")
        if circular { tail = tail.dropFirst(tail.hasPrefix("ว ") ? 2 : 1) }
        guard (1...9).contains(tail.count), tail.allSatisfy({ ("0"..."9").contains($0) }), let sequence = Int(tail),
            let number = try? DocumentNumber(letterCode: String(body[..<slash]), sequence: sequence, isCircular: circular)
        else { return nil }
        self = number
    }
}
