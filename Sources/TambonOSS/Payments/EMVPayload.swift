/// An EMVCo merchant-presented QR payload: fields of a 2-digit tag, a 2-digit length (in characters) and the value,
/// tag `00` first and tag `63` (the CRC over everything before its value, `6304` included) last. Values may hold
/// fields of their own (a template such as tag 30).
public struct EMVPayload: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let tag: String
        public let value: String

        public init(_ tag: String, _ value: String) {
            self.tag = tag
            self.value = value
        }
    }

    /// The fields, in order, without the CRC.
    public let fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The payload text with its CRC appended. Every value is at most 99 characters (a length is 2 digits).
    public var text: String {
        let body = Self.encode(fields) + "6304"
        return body + CRC16.hex(CRC16.ccittFalse(body.utf8))
    }

    /// Fields as TLV text, in the order given.
    public static func encode(_ fields: [Field]) -> String {
        fields.map { field in
            let length = field.value.count
            return field.tag + (length < 10 ? "0" : "") + String(length) + field.value
        }.joined()
    }

    /// The first field tagged `tag`.
    public func value(_ tag: String) -> String? { fields.first { $0.tag == tag }?.value }

    /// Reads a payload: its fields, checked against its CRC. Nil for anything malformed (a length that runs past the
    /// end, a tag that is not two digits, no CRC last, a CRC that does not match).
    public init?(parsing text: String) {
        guard let all = Self.decode(Substring(text)), let crc = all.last, crc.tag == "63", crc.value.count == 4 else { return nil }
        let body = text.dropLast(4)
        guard CRC16.hex(CRC16.ccittFalse(body.utf8)) == crc.value.uppercased() else { return nil }
        fields = Array(all.dropLast())
    }

    /// TLV text as fields; nil if malformed.
    public static func decode(_ text: Substring) -> [Field]? {
        var fields: [Field] = []
        var rest = text
        while !rest.isEmpty {
            guard rest.count >= 4 else { return nil }
            let tag = rest.prefix(2)
            let lengthText = rest.dropFirst(2).prefix(2)
            guard tag.allSatisfy(\.isASCIIDigit), lengthText.allSatisfy(\.isASCIIDigit), let length = Int(lengthText) else { return nil }
            let valueStart = rest.index(rest.startIndex, offsetBy: 4)
            guard rest[valueStart...].count >= length else { return nil }
            let valueEnd = rest.index(valueStart, offsetBy: length)
            fields.append(Field(String(tag), String(rest[valueStart..<valueEnd])))
            rest = rest[valueEnd...]
        }
        return fields
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
