import TambonCore

/// A receipt for money taken at the counter (ใบเสร็จรับเงิน), stored as `receipts/<office>.R<fiscal year>-<n>`.
/// Numbered without gaps per office and fiscal year by the office node; a mistaken receipt is voided with a reason,
/// never deleted, and its money leaves the ledger.
public struct Receipt: Sendable, Equatable {
    public static let collection = "receipts"
    /// The series of the office's number register that numbers receipts.
    public static let series = "receipt"

    /// Why, by whom and when a receipt was voided.
    public struct Voiding: Sendable, Equatable {
        public let reason: String
        public let by: String
        public let at: Int64

        public init(reason: String, by: String, at: Int64) {
            self.reason = reason
            self.by = by
            self.at = at
        }
    }

    public let number: OfficialNumber
    public let bill: String
    public let amount: Money
    public let at: Int64
    public let staff: String
    public let voided: Voiding?

    public init(number: OfficialNumber, bill: String, amount: Money, at: Int64, staff: String, voided: Voiding? = nil) {
        self.number = number
        self.bill = bill
        self.amount = amount
        self.at = at
        self.staff = staff
        self.voided = voided
    }

    /// `R2570-123`: the record's local id.
    public static func localID(_ number: OfficialNumber) -> String { "R\(number.year)-\(number.sequence)" }

    /// The settlement the receipt makes, or nil once voided.
    public func settlement(id: String) -> Settlement? {
        voided == nil ? Settlement(id: id, bill: bill, amount: amount, at: at, source: .cash) : nil
    }

    public var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "number": .string(number.description), "sequence": .number(Double(number.sequence)), "fiscal_year": .number(Double(number.year)),
            "bill": .string(bill), "amount_satang": .number(Double(amount.satang)), "at_ms": .number(Double(at)), "staff": .string(staff),
        ]
        if let voided { fields.merge(Self.voidFields(reason: voided.reason, by: voided.by, at: voided.at)) { $1 } }
        return fields
    }

    public static func voidFields(reason: String, by: String, at: Int64) -> [String: JSONValue] {
        ["voided": ["reason": .string(reason), "by": .string(by), "at_ms": .number(Double(at))]]
    }

    public init?(fields: [String: JSONValue]) {
        guard let sequence = fields["sequence"]?.integerValue, (1...Int64(Int32.max)).contains(sequence),
            let year = fields["fiscal_year"]?.integerValue, (2500...3000).contains(year), let bill = fields["bill"]?.stringValue,
            let amount = fields["amount_satang"]?.integerValue, (1...Bill.maximumSatang).contains(amount),
            let at = fields["at_ms"]?.integerValue, let staff = fields["staff"]?.stringValue
        else { return nil }
        var voided: Voiding?
        if let object = fields["voided"]?.objectValue {
            guard let reason = object["reason"]?.stringValue, let by = object["by"]?.stringValue, let when = object["at_ms"]?.integerValue else {
                return nil
            }
            voided = Voiding(reason: reason, by: by, at: when)
        }
        self.init(
            number: OfficialNumber(sequence: Int(sequence), year: Int(year)), bill: bill, amount: Money(satang: amount), at: at, staff: staff,
            voided: voided)
    }
}
