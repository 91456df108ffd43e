/// The state of a set of bills (one payer's, or one application's) after the money received against them: what each
/// bill still owes of its own, what paying it would settle, and what was paid beyond any debt.
///
/// The rule (README, "Fee payment"): money paid against a bill settles the debts that bill names — its own charges
/// and the older bills it carries as arrears — the oldest due date first, each in full before the next
/// (``PaymentAllocation``). What is left over is a credit: a bill paid twice (cash at the counter, then by the bank)
/// leaves the second payment whole as a credit, for the refund or credit queue. Settlements are replayed in the order
/// received, so every replica that holds the same records computes the same ledger.
public struct BillLedger: Sendable {
    public enum Status: Sendable, Equatable {
        /// Nothing paid yet.
        case open
        /// Something paid, something still owed.
        case partlyPaid
        /// Nothing owed.
        case paid
        /// Still owed, and carried as arrears into the newer bill named.
        case carried(into: String)
    }

    /// What one settlement paid, and what it left over.
    public struct Applied: Sendable, Equatable {
        public let settlement: Settlement
        public let allocation: PaymentAllocation
        /// The settlement names a bill this ledger does not hold (it went to the bill before the bill arrived here).
        public let unknownBill: Bool

        public var credit: Money { allocation.credit }
    }

    public let bills: [String: Bill]
    /// What each bill still owes of its own charges.
    public private(set) var ownBalance: [String: Money]
    /// Every settlement, in the order replayed.
    public private(set) var applied: [Applied] = []

    public init(bills: [Bill], settlements: [Settlement]) {
        self.bills = Dictionary(bills.map { ($0.reference, $0) }, uniquingKeysWith: { first, _ in first })
        ownBalance = self.bills.mapValues(\.own)
        for settlement in settlements.sorted(by: { $0.at != $1.at ? $0.at < $1.at : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) {
            apply(settlement)
        }
    }

    private mutating func apply(_ settlement: Settlement) {
        guard let bill = bills[settlement.bill] else {
            applied.append(Applied(settlement: settlement, allocation: PaymentAllocation(payment: settlement.amount, to: []), unknownBill: true))
            return
        }
        let allocation = PaymentAllocation(payment: settlement.amount, to: debts(of: bill))
        for share in allocation.shares {
            ownBalance[share.reference] = Money(satang: (ownBalance[share.reference]?.satang ?? 0) - share.amount.satang)
        }
        applied.append(Applied(settlement: settlement, allocation: allocation, unknownBill: false))
    }

    /// The debts paying `bill` settles: its own balance and those of the bills it carries.
    public func debts(of bill: Bill) -> [PaymentAllocation.Debt] {
        ([bill.reference] + bill.carried).compactMap { reference in
            guard let held = bills[reference], let balance = ownBalance[reference] else { return nil }
            return PaymentAllocation.Debt(reference: reference, due: held.due, balance: balance)
        }
    }

    /// What paying `reference` in full would take now.
    public func outstanding(_ reference: String) -> Money {
        guard let bill = bills[reference] else { return .zero }
        return debts(of: bill).reduce(Money.zero) { $0 + $1.balance }
    }

    /// Everything still owed on the ledger's bills.
    public var totalOwed: Money { ownBalance.values.reduce(Money.zero, +) }

    /// The bills with something of their own still owed, oldest due first: the arrears a new bill carries.
    public var openBills: [Bill] {
        bills.values.filter { (ownBalance[$0.reference]?.satang ?? 0) > 0 }.sorted {
            $0.due != $1.due ? $0.due < $1.due : $0.reference.utf8.lexicographicallyPrecedes($1.reference.utf8)
        }
    }

    public func status(of reference: String) -> Status {
        guard let bill = bills[reference] else { return .open }
        if outstanding(reference).satang == 0 { return .paid }
        if (ownBalance[reference]?.satang ?? 0) > 0,
            let newer = bills.values.filter({ $0.carried.contains(reference) }).max(by: { $0.issued < $1.issued })
        {
            return .carried(into: newer.reference)
        }
        let paidSomething = applied.contains { $0.settlement.bill == reference || ($0.allocation.shares.contains { $0.reference == reference }) }
        return paidSomething || outstanding(reference) < bill.amount ? .partlyPaid : .open
    }

    /// Settlements that paid more than was owed (a bill paid twice, an overpayment): the refund or credit queue.
    public var credits: [Applied] { applied.filter { $0.credit.satang > 0 } }
}
