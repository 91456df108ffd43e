import TambonCore

/// The person or juristic person filing an application. Personal data: it stays in the office's records and
/// never goes into aggregates, exports, logs or the public tracking page.
public struct Applicant: Sendable, Equatable {
    public let name: String
    public let nationalID: NationalID
    public let phone: String
    public let address: String
    public let kind: NationalID.Kind

    /// Reads and checks `applicant`; every problem is reported against its field.
    public init(_ members: [String: JSONValue]) throws(ValidationErrors) {
        var errors: [FieldError] = []
        let name = (members["name"]?.stringValue ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if name.isEmpty || name.count > 200 {
            errors.append(FieldError("name", th: "กรอกชื่อ-นามสกุลผู้ยื่นคำขอ", en: "enter the applicant's full name"))
        }
        var id: NationalID?
        do {
            id = try NationalID(members["national_id"]?.stringValue ?? "")
        } catch {
            errors.append(error)
        }
        let requestedKind = members["kind"]?.stringValue.flatMap(NationalID.Kind.init(rawValue:))
        if members["kind"] != nil && requestedKind == nil {
            errors.append(FieldError("kind", th: "ประเภทผู้ยื่นต้องเป็นบุคคลธรรมดาหรือนิติบุคคล", en: "\"kind\" must be \"person\" or \"juristic\""))
        }
        if let id, let requestedKind, requestedKind == .person ? !id.isPersonal : id.kind != .juristic {
            errors.append(
                FieldError(
                    "national_id", th: requestedKind == .person ? "เลขนี้ไม่ใช่เลขประจำตัวประชาชนของบุคคลธรรมดา" : "เลขทะเบียนนิติบุคคลขึ้นต้นด้วย 0",
                    en: requestedKind == .person ? "this is not a natural person's ID number" : "a juristic person's number starts with 0"))
        }
        let phone = (members["phone"]?.stringValue ?? "").filter { $0 != " " && $0 != "-" }
        let digits = phone.hasPrefix("+66") ? "0" + phone.dropFirst(3) : phone
        if !(digits.count == 9 || digits.count == 10) || !digits.hasPrefix("0") || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            errors.append(FieldError("phone", th: "กรอกหมายเลขโทรศัพท์ 9–10 หลัก ขึ้นต้นด้วย 0", en: "enter a 9–10 digit Thai phone number starting with 0"))
        }
        let address = members["address"]?.stringValue ?? ""
        if address.allSatisfy(\.isWhitespace) || address.count > 500 {
            errors.append(FieldError("address", th: "กรอกที่อยู่ที่ติดต่อได้ (ไม่เกิน 500 ตัวอักษร)", en: "enter a contact address (at most 500 characters)"))
        }
        guard errors.isEmpty, let id else { throw ValidationErrors(errors) }
        self.name = name
        nationalID = id
        self.phone = digits
        self.address = address
        kind = requestedKind ?? id.kind
    }

    /// The stored form.
    public var value: [String: JSONValue] {
        [
            "name": .string(name), "national_id": .string(nationalID.digits), "phone": .string(phone), "address": .string(address),
            "kind": .string(kind.rawValue),
        ]
    }
}
