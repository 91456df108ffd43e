import TambonCore

/// A household or business on the office's payer register: who is billed each month, for which services, at which
/// rate class, from when. Stored as the record `payers/<office>.<code>`; the code is the office's own account number
/// for the payer (from its spreadsheet), and part of every bill reference.
public struct Payer: Sendable, Equatable {
    public static let collection = "payers"

    /// A–Z and 0–9, 1 to 8 characters: it goes into ref 1 of a Thai QR after the period.
    public let code: String
    public var name: String
    public var address: String
    public var houseNumber: String
    /// The village (หมู่ที่), 0 when the address has none (a municipality's streets).
    public var village: Int
    public var services: Set<BilledService>
    public var rateClass: String
    /// The first day billed, and the last (nil: still billed).
    public var starts: CivilDate
    public var ends: CivilDate?

    public init(
        code: String, name: String, address: String = "", houseNumber: String = "", village: Int = 0, services: Set<BilledService>,
        rateClass: String, starts: CivilDate, ends: CivilDate? = nil
    ) throws(ValidationErrors) {
        self.code = code
        self.name = name
        self.address = address
        self.houseNumber = houseNumber
        self.village = village
        self.services = services
        self.rateClass = rateClass
        self.starts = starts
        self.ends = ends
        let problems = problems()
        guard problems.isEmpty else { throw ValidationErrors(problems) }
    }

    /// Whether the payer is billed for any day of the month that starts `first` and ends `last`.
    public func isBilled(from first: CivilDate, to last: CivilDate) -> Bool {
        starts <= last && (ends.map { $0 >= first } ?? true)
    }

    public static func isCode(_ text: String) -> Bool {
        (1...8).contains(text.count) && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    public static func isRateClass(_ text: String) -> Bool {
        (1...40).contains(text.count)
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// Every field out of range, with its message.
    func problems() -> [FieldError] {
        var problems: [FieldError] = []
        if !Self.isCode(code) {
            problems.append(FieldError("code", th: "รหัสผู้ชำระต้องเป็น A–Z หรือ 0–9 ไม่เกิน 8 ตัว", en: "code must be 1–8 of A–Z and 0–9"))
        }
        if name.allSatisfy(\.isWhitespace) || name.count > 200 {
            problems.append(FieldError("name", th: "ต้องมีชื่อผู้ชำระ (ไม่เกิน 200 ตัวอักษร)", en: "name is required, at most 200 characters"))
        }
        if address.count > 500 { problems.append(FieldError("address", th: "ที่อยู่ยาวเกิน 500 ตัวอักษร", en: "address is over 500 characters")) }
        if houseNumber.count > 20 {
            problems.append(FieldError("house_no", th: "บ้านเลขที่ยาวเกิน 20 ตัวอักษร", en: "house_no is over 20 characters"))
        }
        if !(0...99).contains(village) {
            problems.append(FieldError("village", th: "หมู่ที่ต้องอยู่ระหว่าง 0–99", en: "village must be 0 to 99"))
        }
        if services.isEmpty {
            problems.append(FieldError("services", th: "ต้องเลือกบริการ: ขยะ น้ำเสีย หรือทั้งสอง", en: "services: garbage, wastewater or both"))
        }
        if !Self.isRateClass(rateClass) {
            problems.append(FieldError("rate_class", th: "ประเภทอัตราใช้ได้เฉพาะ a–z 0–9 _ -", en: "rate_class is 1–40 of a–z 0–9 _ -"))
        }
        if let ends, ends < starts {
            problems.append(FieldError("ends", th: "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม", en: "ends is before starts"))
        }
        return problems
    }

    /// The stored fields of the payer's record.
    public var fields: [String: JSONValue] {
        [
            "code": .string(code), "name": .string(name), "address": .string(address), "house_no": .string(houseNumber),
            "village": .number(Double(village)), "services": .array(services.sorted().map { .string($0.rawValue) }),
            "rate_class": .string(rateClass), "starts": .string(starts.iso), "ends": ends.map { .string($0.iso) } ?? .null,
        ]
    }

    /// The payer a record holds; nil if any field is missing, of the wrong type or out of range (a damaged record).
    public init?(fields: [String: JSONValue]) {
        guard let code = fields["code"]?.stringValue, let name = fields["name"]?.stringValue,
            let village = fields["village"]?.integerValue, (0...99).contains(village),
            let services = fields["services"]?.arrayValue?.compactMap({ $0.stringValue.flatMap(BilledService.init(rawValue:)) }),
            let rateClass = fields["rate_class"]?.stringValue, let starts = fields["starts"]?.stringValue.flatMap(CivilDate.init(iso:))
        else { return nil }
        let ends: CivilDate?
        switch fields["ends"] {
        case .none, .null?: ends = nil
        case .string(let text)?:
            guard let date = CivilDate(iso: text) else { return nil }
            ends = date
        default: return nil
        }
        do {
            try self.init(
                code: code, name: name, address: fields["address"]?.stringValue ?? "", houseNumber: fields["house_no"]?.stringValue ?? "",
                village: Int(village), services: Set(services), rateClass: rateClass, starts: starts, ends: ends)
        } catch {
            return nil
        }
    }

    /// The name as a public page shows it: the first character of each word and the rest hidden (`ส**** ใ****`).
    public var maskedName: String {
        name.split(separator: " ").map { word in String(word.prefix(1) as Substring) + String(repeating: "*", count: max(word.count - 1, 1)) }
            .joined(separator: " ")
    }
}
