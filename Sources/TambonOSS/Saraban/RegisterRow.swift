/// One line of an office's outgoing or incoming register (ทะเบียนหนังสือส่ง / ทะเบียนหนังสือรับ), with the
/// regulation's columns: register number, ที่ (the letter's number), date, from, to, subject, action and remarks.
/// Registers run per office and calendar year; the rows come from the letters and receipts the office holds, so a
/// register printed on any of the office's nodes, or after a restore, is the same.
public struct RegisterRow: Sendable, Equatable {
    public let register: Int
    public let year: Int
    public let number: String
    public let date: CivilDate
    public let from: String
    public let to: String
    public let subject: String
    public let action: String
    public let remarks: String

    public init(register: Int, year: Int, number: String, date: CivilDate, from: String, to: String, subject: String, action: String, remarks: String)
    {
        self.register = register
        self.year = year
        self.number = number
        self.date = date
        self.from = from
        self.to = to
        self.subject = subject
        self.action = action
        self.remarks = remarks
    }

    /// The CSV of a register (RFC 4180, a header with the regulation's column names in Thai), rows in register order.
    public static func csv(_ rows: [RegisterRow]) -> String {
        var text = "เลขทะเบียน,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"
        for row in rows.sorted(by: { ($0.year, $0.register) < ($1.year, $1.register) }) {
            let cells = ["\(row.register)/\(row.year)", row.number, row.date.thaiText, row.from, row.to, row.subject, row.action, row.remarks]
            text += cells.map(field).joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never
    /// runs a subject typed by another office as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + String(value.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}
