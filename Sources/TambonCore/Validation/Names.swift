/// The naming rules for everything that identifies replicated data. They are ASCII-only on purpose: such names
/// sort the same as bytes, as UTF-16 and as Swift strings, they need no escaping in canonical JSON, and they are
/// safe in file names, URLs and log lines.
public enum Names {
    /// Collections (`permit_applications`): a lower-case letter, then lower-case letters, digits, `_`, `-`, `.`; ≤ 64.
    public static func isValidCollection(_ name: String) -> Bool {
        check(name, maximum: 64, first: isLowerLetter, rest: { isLowerLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E })
    }

    /// Fields (`floor_area`): a letter, then letters, digits, `_`, `-`, `.`; ≤ 64.
    public static func isValidField(_ name: String) -> Bool {
        check(name, maximum: 64, first: isLetter, rest: { isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E })
    }

    /// Record and set-element ids (`app-2569-000123`, UUIDs): a letter or digit, then letters, digits,
    /// `_`, `-`, `.`, `:`; ≤ 128.
    public static func isValidIdentifier(_ name: String) -> Bool {
        check(
            name, maximum: 128, first: { isLetter($0) || isDigit($0) },
            rest: {
                isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A
            })
    }

    /// Office codes (the DLA's numeric codes, or `hub`): letters, digits, `-`; ≤ 32.
    public static func isValidOffice(_ code: String) -> Bool {
        check(code, maximum: 32, first: { isLetter($0) || isDigit($0) }, rest: { isLetter($0) || isDigit($0) || $0 == 0x2D })
    }

    private static func check(_ name: String, maximum: Int, first: (UInt8) -> Bool, rest: (UInt8) -> Bool) -> Bool {
        var count = 0
        for byte in name.utf8 {
            if count == 0 ? !first(byte) : !rest(byte) { return false }
            count += 1
            if count > maximum { return false }
        }
        return count > 0
    }

    private static func isLowerLetter(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    private static func isLetter(_ byte: UInt8) -> Bool { isLowerLetter(byte) || (byte >= 0x41 && byte <= 0x5A) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
