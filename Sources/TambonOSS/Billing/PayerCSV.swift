/// Reads a payer register from CSV, as offices keep it in spreadsheets (UTF-8, a byte-order mark allowed, RFC 4180
/// quoting). The first line names the columns, in any order:
///
/// `code,name,address,house_no,village,services,rate_class,starts,ends`
///
/// `code`, `name`, `services`, `rate_class` and `starts` are required. `services` is `garbage`, `wastewater` or
/// both joined by `+` (Thai `ขยะ`, `น้ำเสีย` too). Dates are `YYYY-MM-DD` (Common Era) or `D/M/YYYY` in the Buddhist
/// Era, as Thai spreadsheets write them.
///
/// Every bad row is reported with its line number and reasons; the import is all or nothing.
public enum PayerCSV {
    public static let maximumBytes = 10 * 1024 * 1024
    public static let maximumRows = 100_000

    public struct RowError: Error, Sendable, Equatable {
        /// The line of the file (1 is the header).
        public let line: Int
        public let problems: [FieldError]
    }

    public struct Failure: Error, Sendable {
        public let rows: [RowError]
        /// A problem of the whole file (too large, no header, a column missing).
        public let file: FieldError?
    }

    public static let columns = ["code", "name", "address", "house_no", "village", "services", "rate_class", "starts", "ends"]

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> [Payer] {
        func whole(_ th: String, _ en: String) -> Failure { Failure(rows: [], file: FieldError("file", th: th, en: en)) }
        guard bytes.count <= maximumBytes else { throw whole("ไฟล์ใหญ่เกิน 10 MB", "the file is over 10 MB") }
        var text = bytes
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        guard let string = String(validating: text, as: UTF8.self) else {
            throw whole("ไฟล์ต้องเป็น CSV แบบ UTF-8 (บันทึกจาก Excel ด้วย \"CSV UTF-8\")", "the file is not UTF-8 text")
        }
        let records = rows(of: string)
        guard let header = records.first?.fields.map({ $0.trimmingSpaces.lowercased() }) else {
            throw whole("ไฟล์ว่าง", "the file is empty")
        }
        for required in ["code", "name", "services", "rate_class", "starts"] where !header.contains(required) {
            throw whole("ไม่มีคอลัมน์ \(required)", "the header has no \(required) column")
        }
        guard records.count - 1 <= maximumRows else { throw whole("มีเกิน \(maximumRows) แถว", "more than \(maximumRows) rows") }
        var payers: [Payer] = []
        var errors: [RowError] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() where !record.fields.allSatisfy({ $0.trimmingSpaces.isEmpty }) {
            var cells: [String: String] = [:]
            for (index, name) in header.enumerated() where index < record.fields.count { cells[name] = record.fields[index].trimmingSpaces }
            do {
                let payer = try payer(from: cells)
                if let first = seen[payer.code] {
                    errors.append(
                        RowError(
                            line: record.line,
                            problems: [FieldError("code", th: "รหัส \(payer.code) ซ้ำกับบรรทัดที่ \(first)", en: "code \(payer.code) repeats line \(first)")]
                        ))
                } else {
                    seen[payer.code] = record.line
                    payers.append(payer)
                }
            } catch {
                errors.append(RowError(line: record.line, problems: error.errors))
            }
        }
        guard errors.isEmpty else { throw Failure(rows: errors, file: nil) }
        return payers
    }

    public static func payer(from cells: [String: String]) throws(ValidationErrors) -> Payer {
        var problems: [FieldError] = []
        var services: Set<BilledService> = []
        for part in (cells["services"] ?? "").split(whereSeparator: { $0 == "+" || $0 == "," || $0 == ";" }) {
            if let service = BilledService(typed: String(part)) {
                services.insert(service)
            } else {
                problems.append(FieldError("services", th: "ไม่รู้จักบริการ \"\(part)\"", en: "unknown service \"\(part)\""))
            }
        }
        let starts = date(cells["starts"] ?? "")
        if starts == nil { problems.append(FieldError("starts", th: "วันเริ่มไม่ถูกต้อง", en: "starts is not a date")) }
        var ends: CivilDate?
        if let text = cells["ends"], !text.isEmpty {
            ends = date(text)
            if ends == nil { problems.append(FieldError("ends", th: "วันสิ้นสุดไม่ถูกต้อง", en: "ends is not a date")) }
        }
        var village = 0
        if let text = cells["village"], !text.isEmpty {
            if let number = Int(text), (0...99).contains(number) {
                village = number
            } else {
                problems.append(FieldError("village", th: "หมู่ที่ต้องเป็นตัวเลข 0–99", en: "village must be a number 0 to 99"))
            }
        }
        do throws(ValidationErrors) {
            let payer = try Payer(
                code: (cells["code"] ?? "").uppercased(), name: cells["name"] ?? "", address: cells["address"] ?? "",
                houseNumber: cells["house_no"] ?? "", village: village, services: services,
                rateClass: (cells["rate_class"] ?? "").lowercased(), starts: starts ?? CivilDate(year: 2000, month: 1, day: 1)!, ends: ends)
            guard problems.isEmpty else { throw ValidationErrors(problems) }
            return payer
        } catch {
            let more = error.errors.filter { found in !problems.contains { $0.field == found.field } }
            throw ValidationErrors(problems + more)
        }
    }

    /// `2026-10-01`, or `1/10/2569` (day, month, Buddhist Era year).
    static func date(_ text: String) -> CivilDate? {
        if let date = CivilDate(iso: text) { return date }
        let parts = text.split(separator: "/")
        guard parts.count == 3, parts.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isASCII) }),
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]), year > 2400
        else { return nil }
        return CivilDate(year: year - 543, month: month, day: day)
    }

    /// The records of a CSV text, each with the line it starts on; quoted fields may hold commas, quotes (doubled)
    /// and line breaks.
    static func rows(of text: String) -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",": fields.append(field); field = ""
            case "\r": continue
            case "\n":
                fields.append(field)
                rows.append((start, fields))
                fields = []
                field = ""
                line += 1
                start = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((start, fields))
        }
        return rows
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
