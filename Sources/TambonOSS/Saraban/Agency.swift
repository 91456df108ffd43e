import TambonCore

/// An agency of the directory hub operators keep (`agencies/hub.<code>`, hub-only, SPEC §15): an office code, its
/// name, its letter code (`มท 0808.2`) and the unit above it. Offices compose letters to these codes, offline too,
/// from the copy each node keeps.
public struct Agency: Sendable, Equatable {
    public static let collection = "agencies"
    /// Most agencies a directory carries (Thailand has about 7,850 local offices, and their districts and provinces).
    public static let maximumCount = 20_000

    public let code: String
    public let name: String
    public let letterCode: String?
    public let parent: String?

    public init(code: String, name: String, letterCode: String? = nil, parent: String? = nil) throws(ValidationErrors) {
        var problems: [FieldError] = []
        if !Names.isValidOffice(code) || code == "hub" {
            problems.append(FieldError("code", th: "รหัสหน่วยงานไม่ถูกต้อง", en: "code is an office code (letters, digits, -)"))
        }
        if name.allSatisfy(\.isWhitespace) || name.count > 200 {
            problems.append(FieldError("name", th: "ต้องมีชื่อหน่วยงาน (ไม่เกิน 200 ตัวอักษร)", en: "name is required, at most 200 characters"))
        }
        if let letterCode, !DocumentNumber.isLetterCode(letterCode) {
            problems.append(FieldError("letter_code", th: "รหัสหนังสือต้องเป็นอักษรย่อและตัวเลข เช่น มท 0808.2", en: "letter_code is such as มท 0808.2"))
        }
        if let parent, !Names.isValidOffice(parent) || parent == code {
            problems.append(FieldError("parent", th: "หน่วยงานต้นสังกัดไม่ถูกต้อง", en: "parent is another office code"))
        }
        guard problems.isEmpty else { throw ValidationErrors(problems) }
        self.code = code
        self.name = name
        self.letterCode = letterCode
        self.parent = parent
    }

    public var fields: [String: JSONValue] {
        [
            "code": .string(code), "name": .string(name), "letter_code": letterCode.map { .string($0) } ?? .null,
            "parent": parent.map { .string($0) } ?? .null,
        ]
    }

    public init?(fields: [String: JSONValue]) {
        guard let code = fields["code"]?.stringValue, let name = fields["name"]?.stringValue else { return nil }
        do {
            try self.init(code: code, name: name, letterCode: fields["letter_code"]?.stringValue, parent: fields["parent"]?.stringValue)
        } catch {
            return nil
        }
    }

    /// Reads a directory from CSV (`code,name,letter_code,parent`, a header row): every bad line named, or nothing.
    public static func parse(csv bytes: [UInt8]) throws(PayerCSV.Failure) -> [Agency] {
        guard bytes.count <= 5 << 20,
            let text = String(validating: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
        else { throw PayerCSV.Failure(rows: [], file: FieldError("file", th: "ไฟล์ต้องเป็น CSV แบบ UTF-8 ไม่เกิน 5 MB", en: "UTF-8 CSV of at most 5 MB")) }
        let rows = PayerCSV.rows(of: text)
        guard let header = rows.first?.fields.map({ $0.lowercased().filter { !$0.isWhitespace } }), header.contains("code"), header.contains("name")
        else {
            throw PayerCSV.Failure(rows: [], file: FieldError("file", th: "ไม่มีคอลัมน์ code และ name", en: "the header needs code and name"))
        }
        var agencies: [Agency] = []
        var errors: [PayerCSV.RowError] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
            var cells: [String: String] = [:]
            for (index, name) in header.enumerated() where index < row.fields.count {
                let value = String(row.fields[index].drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
                if !value.isEmpty { cells[name] = value }
            }
            do throws(ValidationErrors) {
                agencies.append(
                    try Agency(code: cells["code"] ?? "", name: cells["name"] ?? "", letterCode: cells["letter_code"], parent: cells["parent"]))
            } catch {
                errors.append(PayerCSV.RowError(line: row.line, problems: error.errors))
            }
        }
        guard errors.isEmpty else { throw PayerCSV.Failure(rows: errors, file: nil) }
        guard agencies.count <= maximumCount else {
            throw PayerCSV.Failure(rows: [], file: FieldError("file", th: "หน่วยงานเกิน \(maximumCount) แห่ง", en: "more than \(maximumCount) agencies"))
        }
        return agencies
    }
}
