import TambonCore

/// A bill the office issued, stored as `bills/<office>.<reference>`: the month's fees of a payer, or a service's fee
/// (a building permit, a food certificate's yearly fee). Its reference is ref 1 of its Thai QR and is unique in the
/// office, so running the month's billing twice finds the bill already there and makes no second one.
///
/// `lines` are what the bill charges of its own (the month's fees, a surcharge); `arrears` is what it carries of older
/// bills still open when it was issued, named in `carried`. The amount on the QR is both.
public struct Bill: Sendable, Equatable {
    public static let collection = "bills"

    public struct Line: Sendable, Equatable {
        /// `garbage`, `wastewater`, `surcharge`, or a service's fee code.
        public let kind: String
        public let label: String
        public let amount: Money

        public init(kind: String, label: String, amount: Money) {
            self.kind = kind
            self.label = label
            self.amount = amount
        }
    }

    /// Ref 1: A–Z and 0–9, at most 15 characters.
    public let reference: String
    /// Ref 2: the period (`256910`) or the fee's year.
    public let reference2: String
    /// The payer's code, for a monthly bill.
    public let payer: String?
    /// The application's record id, for a service's fee.
    public let application: String?
    public let period: BillingPeriod?
    public let lines: [Line]
    public let arrears: Money
    public let carried: [String]
    public let issued: CivilDate
    public let due: CivilDate
    /// A short random code that, with the reference, opens the bill's public page: a guessed reference alone shows nothing.
    public let check: String

    public init(
        reference: String, reference2: String, payer: String?, application: String?, period: BillingPeriod?, lines: [Line], arrears: Money,
        carried: [String], issued: CivilDate, due: CivilDate, check: String
    ) {
        self.reference = reference
        self.reference2 = reference2
        self.payer = payer
        self.application = application
        self.period = period
        self.lines = lines
        self.arrears = arrears
        self.carried = carried
        self.issued = issued
        self.due = due
        self.check = check
    }

    /// What the bill charges of its own.
    public var own: Money { lines.reduce(Money.zero) { $0 + $1.amount } }

    /// The amount of its Thai QR: its own charges and the arrears it carries.
    public var amount: Money { own + arrears }

    /// The Thai QR of this bill for the office's biller ID.
    public func thaiQR(billerID: String) throws(ThaiQRBillPayment.Problem) -> ThaiQRBillPayment {
        try ThaiQRBillPayment(billerID: billerID, reference1: reference, reference2: reference2, amount: amount.satang > 0 ? amount : nil)
    }

    /// The largest amount a bill or a line may hold: 10 million baht.
    public static let maximumSatang: Int64 = 1_000_000_000

    public var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "reference": .string(reference), "reference2": .string(reference2),
            "lines": .array(lines.map { ["kind": .string($0.kind), "label": .string($0.label), "satang": .number(Double($0.amount.satang))] }),
            "arrears_satang": .number(Double(arrears.satang)), "carried": .array(carried.map { .string($0) }),
            "amount_satang": .number(Double(amount.satang)), "issued": .string(issued.iso), "due": .string(due.iso), "check": .string(check),
        ]
        if let payer { fields["payer"] = .string(payer) }
        if let application { fields["application"] = .string(application) }
        if let period { fields["period"] = .string(period.description) }
        return fields
    }

    /// The bill a record holds; nil if anything is missing or out of range (a damaged record).
    public init?(fields: [String: JSONValue]) {
        func satang(_ value: JSONValue?) -> Money? {
            guard let value = value?.integerValue, (0...Self.maximumSatang).contains(value) else { return nil }
            return Money(satang: value)
        }
        guard let reference = fields["reference"]?.stringValue, ThaiQRBillPayment.isReference(reference, maximum: 15),
            let reference2 = fields["reference2"]?.stringValue, let lineValues = fields["lines"]?.arrayValue, lineValues.count <= 64,
            let arrears = satang(fields["arrears_satang"]), let carried = fields["carried"]?.arrayValue, carried.count <= 1_000,
            let issued = fields["issued"]?.stringValue.flatMap(CivilDate.init(iso:)),
            let due = fields["due"]?.stringValue.flatMap(CivilDate.init(iso:)),
            let check = fields["check"]?.stringValue
        else { return nil }
        var lines: [Line] = []
        for value in lineValues {
            guard let kind = value.objectValue?["kind"]?.stringValue, let label = value.objectValue?["label"]?.stringValue,
                let amount = satang(value.objectValue?["satang"])
            else { return nil }
            lines.append(Line(kind: kind, label: label, amount: amount))
        }
        let references = carried.compactMap(\.stringValue)
        guard references.count == carried.count else { return nil }
        var period: BillingPeriod?
        if let text = fields["period"]?.stringValue {
            guard let parsed = BillingPeriod(text) else { return nil }
            period = parsed
        }
        self.init(
            reference: reference, reference2: reference2, payer: fields["payer"]?.stringValue, application: fields["application"]?.stringValue,
            period: period, lines: lines, arrears: arrears, carried: references, issued: issued, due: due, check: check)
        guard amount.satang <= Self.maximumSatang else { return nil }
    }
}
