/// A JSON value as replicated records hold it.
///
/// Numbers are IEEE 754 doubles, as in I-JSON (RFC 7493) and RFC 8785: integers are exact up to 2^53.
/// Objects keep their keys in a dictionary; their order never matters because every encoding that is hashed,
/// signed or compared goes through ``CanonicalJSON``.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// Parses strict JSON text (RFC 8259, with I-JSON's limits: no duplicate keys, finite numbers).
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.parse(Array(text.utf8))
    }

    /// Parses strict JSON from UTF-8 bytes.
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        self = try JSONParser.parse(bytes)
    }

    /// The RFC 8785 canonical text of this value.
    public var canonicalText: String {
        String(decoding: CanonicalJSON.encode(self), as: UTF8.self)
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The largest integer a JSON number carries exactly (2^53 − 1, I-JSON).
    public static let maximumExactInteger: Double = 9_007_199_254_740_991

    /// The number as an integer when it is a whole number JSON carries exactly (|n| ≤ 2^53 − 1); nil for anything
    /// else — a fraction, `1e300`, not a number — so that input from elsewhere can be refused, never trapped on.
    public var integerValue: Int64? {
        guard case .number(let n) = self, n.rounded(.towardZero) == n, abs(n) <= Self.maximumExactInteger else { return nil }
        return Int64(n)
    }

    /// A number as people read it: `120` for a whole number JSON carries exactly, `48.5` (or `1e+300`) otherwise.
    public static func plainText(_ number: Double) -> String {
        JSONValue.number(number).integerValue.map { String($0) } ?? String(number)
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
