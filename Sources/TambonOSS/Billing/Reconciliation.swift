/// A bank's daily statement set against the payments the bank confirmed (pure). Each statement line is matched to a
/// confirmation by the bank's transaction id, or, failing that, by reference 1, amount and day (banks' statements
/// and callbacks do not always print the id the same way). What is left is flagged for an officer:
///
/// - a statement line with no confirmation: money arrived that the hub never heard of (the bank's callback was lost);
/// - a confirmation with no statement line: a payment the statement does not show (yet, or at all);
/// - duplicates: a transaction id twice in the statement, or two confirmations matching one line.
///
/// The statement is CSV with a header row, in any column order (README, "Reconciliation"):
/// `date,time,transaction_id,amount,ref1,ref2` — `date` `YYYY-MM-DD` (or `D/M/BBBB`), `time` `HH:MM[:SS]`,
/// `amount` in baht with two decimals.
public struct Reconciliation: Sendable {
    public struct Line: Sendable, Equatable {
        /// The line of the file (1 is the header).
        public let line: Int
        public let date: CivilDate
        public let transactionID: String
        public let amount: Money
        public let reference1: String
        public let reference2: String?
    }

    /// A confirmation as reconciliation sees it: the payment record's id and what the bank sent.
    public struct Confirmed: Sendable, Equatable {
        public let id: String
        public let confirmation: BankConfirmation

        public init(id: String, confirmation: BankConfirmation) {
            self.id = id
            self.confirmation = confirmation
        }
    }

    public let matched: [(line: Line, payment: String)]
    public let unconfirmed: [Line]
    public let notInStatement: [Confirmed]
    public let duplicateLines: [Line]

    /// The share of statement lines matched with no officer, in tenths of a percent.
    public var matchedPermille: Int {
        let total = matched.count + unconfirmed.count + duplicateLines.count
        return total == 0 ? 1_000 : matched.count * 1_000 / total
    }

    public init(statement: [Line], confirmations: [Confirmed]) {
        var byID: [String: Int] = [:]
        var byReference: [String: [Int]] = [:]
        for (index, confirmed) in confirmations.enumerated() {
            byID[Self.normalised(confirmed.confirmation.transactionID)] = index
            let key = Self.key(confirmed.confirmation.reference1, confirmed.confirmation.amount, CivilDate(thaiDayOf: confirmed.confirmation.paidAt))
            byReference[key, default: []].append(index)
        }
        var used = Set<Int>()
        var seenIDs = Set<String>()
        var matched: [(line: Line, payment: String)] = []
        var unconfirmed: [Line] = []
        var duplicates: [Line] = []
        for line in statement {
            let id = Self.normalised(line.transactionID)
            guard seenIDs.insert(id).inserted else {
                duplicates.append(line)
                continue
            }
            if let index = byID[id], !used.contains(index) {
                used.insert(index)
                matched.append((line, confirmations[index].id))
            } else if let index = byReference[Self.key(line.reference1, line.amount, line.date)]?.first(where: { !used.contains($0) }) {
                used.insert(index)
                matched.append((line, confirmations[index].id))
            } else {
                unconfirmed.append(line)
            }
        }
        self.matched = matched
        self.unconfirmed = unconfirmed
        duplicateLines = duplicates
        notInStatement = confirmations.indices.filter { !used.contains($0) }.map { confirmations[$0] }
    }

    /// A transaction id compared without case, spaces, dashes or leading zeros.
    static func normalised(_ id: String) -> String {
        let compact = id.uppercased().filter { $0 != " " && $0 != "-" }
        let trimmed = compact.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    static func key(_ reference: String, _ amount: Money, _ day: CivilDate) -> String { "\(reference)|\(amount.satang)|\(day.iso)" }

    public struct Failure: Error, Sendable {
        public let lines: [(line: Int, english: String, thai: String)]
    }

    public static let maximumBytes = 20 * 1024 * 1024

    /// Reads a statement; every bad line is reported with its number, and nothing is reconciled if any is bad.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> [Line] {
        guard bytes.count <= maximumBytes,
            let text = String(validating: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
        else { throw Failure(lines: [(0, "the statement must be UTF-8 CSV of at most 20 MB", "ไฟล์ต้องเป็น CSV แบบ UTF-8 ไม่เกิน 20 MB")]) }
        let rows = PayerCSV.rows(of: text)
        guard let header = rows.first?.fields.map({ $0.lowercased().filter { !$0.isWhitespace } }) else {
            throw Failure(lines: [(1, "the statement is empty", "ไฟล์ว่าง")])
        }
        for column in ["date", "transaction_id", "amount", "ref1"] where !header.contains(column) {
            throw Failure(lines: [(1, "the header has no \(column) column", "ไม่มีคอลัมน์ \(column)")])
        }
        var lines: [Line] = []
        var problems: [(line: Int, english: String, thai: String)] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
            var cells: [String: String] = [:]
            for (index, name) in header.enumerated() where index < row.fields.count {
                cells[name] = row.fields[index].filter { !$0.isNewline }.trimmingCharacters()
            }
            guard let date = PayerCSV.date(cells["date"] ?? "") else {
                problems.append((row.line, "date is not a date", "วันที่ไม่ถูกต้อง"))
                continue
            }
            guard let amount = Money(baht: cells["amount"] ?? ""), amount.satang > 0 else {
                problems.append((row.line, "amount is not baht", "จำนวนเงินไม่ถูกต้อง"))
                continue
            }
            let id = cells["transaction_id"] ?? ""
            let reference = (cells["ref1"] ?? "").uppercased()
            guard (1...64).contains(id.count), (1...20).contains(reference.count) else {
                problems.append((row.line, "transaction_id and ref1 are required", "ต้องมีเลขรายการและ Ref.1"))
                continue
            }
            let reference2 = cells["ref2"].flatMap { $0.isEmpty ? nil : $0.uppercased() }
            lines.append(Line(line: row.line, date: date, transactionID: id, amount: amount, reference1: reference, reference2: reference2))
        }
        guard problems.isEmpty else { throw Failure(lines: problems) }
        return lines
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
