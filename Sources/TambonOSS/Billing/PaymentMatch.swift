/// What the hub makes of a bank's confirmation against the bill its reference names: matched, waiting for the bill
/// to arrive, or to be reviewed by the office's officers. Nothing is dropped: a confirmation in review still
/// settles what it can of the bill, and what it paid beyond is a credit (``BillLedger/credits``).
public enum PaymentMatch: Sendable, Equatable {
    case matched
    /// No bill with this reference has reached the hub yet (or none exists): it matches when the bill arrives.
    case waiting
    case review(Reason)

    public enum Reason: String, Sendable {
        /// The amount is not the bill's.
        case amountMismatch = "amount_mismatch"
        /// Reference 2 is not the bill's.
        case referenceMismatch = "reference_mismatch"
        /// The bill was already paid in full (cash at the counter, or another bank payment): a refund or a credit.
        case alreadyPaid = "already_paid"
        /// Part of the bill was already paid: the rest of this payment is a credit.
        case partlyPaid = "partly_paid"
        /// No office has this biller ID in its settings (or two claim it): the hub's operator looks at it.
        case unknownBiller = "unknown_biller"

        public var thai: String {
            switch self {
            case .amountMismatch: "ยอดเงินไม่ตรงกับใบแจ้งหนี้"
            case .referenceMismatch: "เลขอ้างอิง 2 ไม่ตรงกับใบแจ้งหนี้"
            case .alreadyPaid: "ใบแจ้งหนี้นี้ชำระแล้ว (ชำระซ้ำ: คืนเงินหรือเก็บเป็นเครดิต)"
            case .partlyPaid: "ใบแจ้งหนี้ชำระไปแล้วบางส่วน ส่วนเกินเป็นเครดิต"
            case .unknownBiller: "ไม่พบสำนักงานที่ใช้ Biller ID นี้"
            }
        }
    }

    /// The decision for `confirmation` against `bill` (nil: not here), with the bill's ledger before this payment.
    public static func decide(_ confirmation: BankConfirmation, bill: Bill?, ledger: BillLedger?) -> PaymentMatch {
        guard let bill else { return .waiting }
        if let reference2 = confirmation.reference2, reference2 != bill.reference2 { return .review(.referenceMismatch) }
        guard confirmation.amount == bill.amount else { return .review(.amountMismatch) }
        let outstanding = ledger?.outstanding(bill.reference) ?? bill.amount
        if outstanding.satang == 0 { return .review(.alreadyPaid) }
        if outstanding < confirmation.amount { return .review(.partlyPaid) }
        return .matched
    }

    /// The stored form: `matched`, `waiting`, or the review reason.
    public var code: String {
        switch self {
        case .matched: "matched"
        case .waiting: "waiting"
        case .review(let reason): reason.rawValue
        }
    }
}
