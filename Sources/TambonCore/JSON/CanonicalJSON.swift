/// The JSON Canonicalization Scheme of RFC 8785.
///
/// Object members are sorted by the UTF-16 code units of their names, there is no whitespace, strings are escaped
/// as ECMAScript's `JSON.stringify` does (only `"`, `\` and control characters), and numbers are written as
/// ECMAScript's `Number.prototype.toString` writes them. Every hash and signature in Tambon is computed over
/// these bytes, so a second implementation (a browser client) produces the same bytes from the same value.
public enum CanonicalJSON {
    /// The canonical bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(value, to: &output)
        return output
    }

    /// Appends the canonical bytes of `value` to `output`.
    public static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): appendNumber(number, to: &output)
        case .string(let string): appendString(string, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, key) in sortedKeys(members.keys).enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(members[key]!, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Member names in RFC 8785 order: by UTF-16 code units, not by Unicode scalars or bytes.
    public static func sortedKeys<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        keys.sorted(by: precedes)
    }

    /// RFC 8785 member order. UTF-8 byte order is code point order, which is UTF-16 order unless a character
    /// above U+FFFF meets one in U+E000…U+FFFF; only names holding such characters (lead byte 0xEE or above) need
    /// the UTF-16 comparison.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var leftUTF8 = left.utf8.makeIterator()
        var rightUTF8 = right.utf8.makeIterator()
        while true {
            switch (leftUTF8.next(), rightUTF8.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (l?, r?):
                if l == r { continue }
                if l >= 0xEE || r >= 0xEE { return left.utf16.lexicographicallyPrecedes(right.utf16) }
                return l < r
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends a JSON string literal escaped as `JSON.stringify` escapes it.
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape, so the bytes are copied as they stand.
        var string = string
        let copied: Bool = string.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "\\"))
            case 0x08: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "b"))
            case 0x09: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
            case 0x0A: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
            case 0x0C: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "f"))
            case 0x0D: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends a number as ECMAScript's `Number.prototype.toString` (ECMA-262 §6.1.6.1.20) writes it.
    /// The caller guarantees the number is finite (the parser and the validators refuse the others).
    public static func appendNumber(_ number: Double, to output: inout [UInt8]) {
        precondition(number.isFinite, "canonical JSON has no representation for \(number)")
        if number == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        if number < 0 { output.append(UInt8(ascii: "-")) }
        let magnitude = number.magnitude
        // Fast path: integers below 2^53 print as their digits.
        if magnitude < 9_007_199_254_740_992, magnitude.rounded(.towardZero) == magnitude {
            output.append(contentsOf: String(UInt64(magnitude)).utf8)
            return
        }
        let (digits, exponent) = shortestDigits(magnitude)
        let k = digits.count
        let n = exponent
        if k <= n && n <= 21 {
            output.append(contentsOf: digits)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            output.append(contentsOf: digits[0..<n])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            output.append(contentsOf: digits)
        } else {
            output.append(digits[0])
            if k > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            output.append(UInt8(ascii: "e"))
            output.append(UInt8(ascii: n - 1 >= 0 ? "+" : "-"))
            output.append(contentsOf: String((n - 1).magnitude).utf8)
        }
    }

    /// The shortest decimal digits `s` (no leading or trailing zeros) and exponent `n` such that
    /// `0.s × 10^n` round-trips to `value`. Swift's own description already finds the shortest round-tripping
    /// digits closest to the value, which is the choice ECMAScript makes; only the layout differs.
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], exponent: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self))!
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { integerDigits += 1 }
        }
        var n = integerDigits + exponent
        var leading = 0
        while leading < digits.count - 1, digits[leading] == UInt8(ascii: "0") {
            leading += 1
            n -= 1
        }
        digits.removeFirst(leading)
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }
}
