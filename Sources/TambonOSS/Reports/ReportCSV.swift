/// The applications report as CSV (RFC 4180): a header with the contract's keys, then one line per row, CRLF.
public enum ReportCSV {
    public static func encode(_ rows: [ReportRow]) -> String {
        var output = ""
        output.reserveCapacity((rows.count + 1) * 80)
        for cells in [ReportRow.keys] + rows.map(\.cells) {
            for (index, cell) in cells.enumerated() {
                if index > 0 { output += "," }
                output += field(cell)
            }
            output += "\r\n"
        }
        return output
    }

    /// A field quoted when it holds a comma, quote or line break (quotes doubled); a leading `=`, `+`, `-`, `@`, tab
    /// or carriage return (OWASP's list for CSV injection) is prefixed with `'` so a spreadsheet never runs it as a
    /// formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
    }
}
