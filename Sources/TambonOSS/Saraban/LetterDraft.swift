import TambonCore

/// What a clerk drafts: an official letter's content, as the regulation and e-CMS name its parts. Checked whole:
/// every field out of range is named, and a top-secret letter is refused with the regulation's reason. The main
/// document and enclosures are content-addressed files (their SHA-256), which travel to the sender and the
/// receivers only.
public struct LetterDraft: Sendable, Equatable {
    public struct Reference: Sendable, Equatable {
        /// The referenced letter's number as written (`ที่ มท 0808.2/1234`).
        public let number: String
        public let date: CivilDate
        public let subject: String

        public init(number: String, date: CivilDate, subject: String) {
            self.number = number
            self.date = date
            self.subject = subject
        }
    }

    public struct Enclosure: Sendable, Equatable {
        public let sha256: String
        public let name: String
        /// `application/pdf`, `image/jpeg` or `image/png`.
        public let type: String

        public init(sha256: String, name: String, type: String) {
            self.sha256 = sha256
            self.name = name
            self.type = type
        }
    }

    public var kind: LetterKind
    /// เรื่อง
    public var subject: String
    /// เรียน
    public var salutation: String
    /// The receiving offices (their codes on Tambon), in the order addressed.
    public var receivers: [String]
    /// อ้างถึง
    public var references: [Reference]
    /// The main document (PDF) and สิ่งที่ส่งมาด้วย.
    public var mainDocument: Enclosure?
    public var enclosures: [Enclosure]
    public var urgency: Urgency
    public var secrecy: Secrecy
    /// Whether the number carries ว (a circular to many).
    public var isCircular: Bool
    /// Who signs (name and position) and the unit to contact (name, phone).
    public var signatoryName: String
    public var signatoryTitle: String
    public var contactUnit: String

    public static let maximumReceivers = 1_000
    public static let maximumEnclosures = 50

    /// Reads a draft from JSON (a form or the API): every problem named, nothing partly accepted.
    public init(json value: JSONValue, sender: String) throws(ValidationErrors) {
        var problems: [FieldError] = []
        let object = value.objectValue ?? [:]
        func text(_ name: String, maximum: Int, required: Bool = true, th: String) -> String {
            let value = object[name]?.stringValue.map { String($0.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) } ?? ""
            if (required && value.isEmpty) || value.count > maximum {
                problems.append(FieldError(name, th: "\(th) (ไม่เกิน \(maximum) ตัวอักษร)", en: "\(name) is required, at most \(maximum) characters"))
            }
            return value
        }
        let kind = object["kind"]?.stringValue.flatMap(LetterKind.init(rawValue:))
        if kind == nil { problems.append(FieldError("kind", th: "เลือกชนิดของหนังสือ", en: "kind is one of \(LetterKind.allCases.map(\.rawValue))")) }
        let subject = text("subject", maximum: 500, th: "ต้องมีเรื่อง")
        let salutation = text("salutation", maximum: 200, th: "ต้องมีคำขึ้นต้น (เรียน)")
        let urgency = object["urgency"].map { $0.stringValue.flatMap(Urgency.init(rawValue:)) } ?? .normal
        if urgency == nil {
            problems.append(FieldError("urgency", th: "ชั้นความเร็วไม่ถูกต้อง", en: "urgency is normal, urgent, very-urgent or most-urgent"))
        }
        let secrecy = object["secrecy"].map { $0.stringValue.flatMap(Secrecy.init(rawValue:)) } ?? .normal
        if secrecy == nil {
            problems.append(FieldError("secrecy", th: "ชั้นความลับไม่ถูกต้อง", en: "secrecy is normal, confidential, secret or top-secret"))
        }
        if secrecy == .topSecret { problems.append(Secrecy.topSecretRefusal) }
        var receivers: [String] = []
        if let list = object["receivers"]?.arrayValue, (1...Self.maximumReceivers).contains(list.count) {
            for item in list {
                guard let code = item.stringValue, Names.isValidOffice(code), code != sender, code != "hub", !receivers.contains(code) else {
                    problems.append(
                        FieldError(
                            "receivers", th: "ผู้รับต้องเป็นรหัสหน่วยงานอื่นที่ไม่ซ้ำกัน", en: "receivers are distinct office codes other than the sender's"))
                    break
                }
                receivers.append(code)
            }
        } else {
            problems.append(
                FieldError("receivers", th: "ต้องมีผู้รับ 1–\(Self.maximumReceivers) หน่วยงาน", en: "receivers: 1 to \(Self.maximumReceivers) office codes")
            )
        }
        var references: [Reference] = []
        for item in (object["references"]?.arrayValue ?? []).prefix(21) {
            guard references.count < 20, let member = item.objectValue, let number = member["number"]?.stringValue, (1...100).contains(number.count),
                let date = member["date"]?.stringValue.flatMap(CivilDate.init(iso:)), let subject = member["subject"]?.stringValue,
                (1...500).contains(subject.count)
            else {
                problems.append(
                    FieldError(
                        "references", th: "อ้างถึงต้องมีเลขที่ วันที่ และเรื่อง (ไม่เกิน 20 รายการ)", en: "each reference has number, date, subject; at most 20"))
                break
            }
            references.append(Reference(number: number, date: date, subject: subject))
        }
        func enclosure(_ value: JSONValue?) -> Enclosure? {
            guard let member = value?.objectValue, let hash = member["sha256"]?.stringValue, hash.utf8.count == 64,
                hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }), let name = member["name"]?.stringValue,
                (1...200).contains(name.count), let type = member["type"]?.stringValue, ["application/pdf", "image/jpeg", "image/png"].contains(type)
            else { return nil }
            return Enclosure(sha256: hash, name: name, type: type)
        }
        var main: Enclosure?
        if let value = object["main_document"], value != .null {
            main = enclosure(value)
            if main?.type != "application/pdf" {
                problems.append(FieldError("main_document", th: "ต้นฉบับต้องเป็นไฟล์ PDF", en: "the main document is a PDF"))
            }
        }
        var enclosures: [Enclosure] = []
        let listed = object["enclosures"]?.arrayValue ?? []
        if listed.count > Self.maximumEnclosures {
            problems.append(FieldError("enclosures", th: "สิ่งที่ส่งมาด้วยไม่เกิน 50 ไฟล์", en: "at most 50 enclosures"))
        } else {
            for item in listed {
                guard let file = enclosure(item) else {
                    problems.append(FieldError("enclosures", th: "สิ่งที่ส่งมาด้วยต้องเป็น PDF หรือรูปภาพ", en: "enclosures are PDF, JPEG or PNG files"))
                    break
                }
                enclosures.append(file)
            }
        }
        let signatoryName = text("signatory_name", maximum: 200, th: "ต้องมีชื่อผู้ลงนาม")
        let signatoryTitle = text("signatory_title", maximum: 200, th: "ต้องมีตำแหน่งผู้ลงนาม")
        let contactUnit = text("contact_unit", maximum: 300, required: false, th: "ส่วนราชการเจ้าของเรื่อง")
        var circular = receivers.count > 1
        if case .bool(let flag)? = object["circular"] { circular = flag }
        guard problems.isEmpty, let kind, let urgency, let secrecy else { throw ValidationErrors(problems) }
        self.kind = kind
        self.subject = subject
        self.salutation = salutation
        self.receivers = receivers
        self.references = references
        self.mainDocument = main
        self.enclosures = enclosures
        self.urgency = urgency
        self.secrecy = secrecy
        self.isCircular = circular
        self.signatoryName = signatoryName
        self.signatoryTitle = signatoryTitle
        self.contactUnit = contactUnit
    }

    /// The draft as stored in the letter's record (and read back by ``init(json:sender:)``).
    public var json: JSONValue {
        func file(_ enclosure: Enclosure) -> JSONValue {
            ["sha256": .string(enclosure.sha256), "name": .string(enclosure.name), "type": .string(enclosure.type)]
        }
        return [
            "kind": .string(kind.rawValue), "subject": .string(subject), "salutation": .string(salutation),
            "receivers": .array(receivers.map { .string($0) }),
            "references": .array(references.map { ["number": .string($0.number), "date": .string($0.date.iso), "subject": .string($0.subject)] }),
            "main_document": mainDocument.map(file) ?? .null, "enclosures": .array(enclosures.map(file)),
            "urgency": .string(urgency.rawValue), "secrecy": .string(secrecy.rawValue), "circular": .bool(isCircular),
            "signatory_name": .string(signatoryName), "signatory_title": .string(signatoryTitle), "contact_unit": .string(contactUnit),
        ]
    }
}
