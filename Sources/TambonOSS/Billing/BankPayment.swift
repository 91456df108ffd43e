import TambonCore

/// A payment a bank confirmed, as the hub records it: `payments/<office>.<bank>-<transaction id>`, written by the hub
/// alone into the office's scope (SPEC §15), so it reaches the office node on its next sync. It keeps the
/// confirmation whole, the bank that sent it, and the match (`matched`, `waiting`, or a review reason).
public struct BankPayment: Sendable, Equatable {
    public static let collection = "payments"

    public let bank: String
    public let confirmation: BankConfirmation
    public let match: String
    /// The bill it was matched to (also in review, when the bill is known).
    public let bill: String?

    public init(bank: String, confirmation: BankConfirmation, match: PaymentMatch, bill: String?) {
        self.bank = bank
        self.confirmation = confirmation
        self.match = match.code
        self.bill = bill
    }

    /// The local part of the record id: the bank's name and a hash-free, bounded form of its transaction id.
    public static func localID(bank: String, transaction: String) -> String { "p-\(bank)-\(transaction)" }

    public var fields: [String: JSONValue] {
        var fields = confirmation.fields
        fields["bank"] = .string(bank)
        fields["match"] = .string(match)
        fields["bill"] = bill.map { .string($0) } ?? .null
        // A waiting payment names the reference it waits for, so the bill's arrival finds it.
        fields["awaiting"] = match == PaymentMatch.waiting.code ? .string(confirmation.reference1) : .null
        return fields
    }

    /// The settlement the payment makes once it names a bill.
    public func settlement(id: String) -> Settlement? {
        bill.map { Settlement(id: id, bill: $0, amount: confirmation.amount, at: confirmation.paidAt, source: .bank) }
    }

    /// Reads a stored payment; nil if damaged. The confirmation is read back through the same strict reader.
    public init?(fields: [String: JSONValue]) {
        guard let bank = fields["bank"]?.stringValue, let match = fields["match"]?.stringValue, let amount = fields["amount_satang"]?.integerValue,
            (1...Bill.maximumSatang).contains(amount)
        else { return nil }
        var body: [String: JSONValue] = [
            "transactionId": fields["transaction_id"] ?? .null, "amount": .string(Money(satang: amount).decimal),
            "transactionDateandTime": fields["paid_at"] ?? .null, "payeeProxyId": fields["biller_id"] ?? .null,
            "billPaymentRef1": fields["reference1"] ?? .null,
        ]
        for (stored, wire) in [
            ("reference2", "billPaymentRef2"), ("reference3", "billPaymentRef3"), ("payer_name", "payerName"),
            ("payer_account", "payerAccountNumber"),
            ("sending_bank", "sendingBankCode"), ("receiving_bank", "receivingBankCode"),
        ] {
            if let value = fields[stored] { body[wire] = value }
        }
        guard let confirmation = try? BankConfirmation(json: .object(body)) else { return nil }
        self.bank = bank
        self.confirmation = confirmation
        self.match = match
        self.bill = fields["bill"]?.stringValue
    }
}
