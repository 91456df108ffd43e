/// How a part payment at the counter is shared among a payer's unpaid bills: the oldest due date first (then the
/// bill reference, so two bills due the same day are always taken in the same order), each bill paid up to its
/// balance before the next gets anything; what is left over is a credit. The allocations always add up to the
/// payment with the credit, and no balance goes below zero.
public struct PaymentAllocation: Sendable, Equatable {
    /// One unpaid bill: its reference, its due date and what is still owed on it.
    public struct Debt: Sendable, Equatable {
        public let reference: String
        public let due: CivilDate
        public let balance: Money

        public init(reference: String, due: CivilDate, balance: Money) {
            self.reference = reference
            self.due = due
            self.balance = balance
        }
    }

    /// What each bill receives, in the order paid (bills that receive nothing are left out).
    public let shares: [(reference: String, amount: Money)]
    /// What is left once every bill is paid: the payer's credit.
    public let credit: Money

    public static func == (lhs: PaymentAllocation, rhs: PaymentAllocation) -> Bool {
        lhs.credit == rhs.credit && lhs.shares.map(\.reference) == rhs.shares.map(\.reference) && lhs.shares.map(\.amount) == rhs.shares.map(\.amount)
    }

    /// Allocates `payment` (not negative) to `debts`; debts with nothing owed are skipped.
    public init(payment: Money, to debts: [Debt]) {
        var left = max(payment.satang, 0)
        var shares: [(reference: String, amount: Money)] = []
        let ordered = debts.filter { $0.balance.satang > 0 }.sorted {
            $0.due != $1.due ? $0.due < $1.due : $0.reference.utf8.lexicographicallyPrecedes($1.reference.utf8)
        }
        for debt in ordered where left > 0 {
            let share = min(left, debt.balance.satang)
            shares.append((debt.reference, Money(satang: share)))
            left -= share
        }
        self.shares = shares
        credit = Money(satang: left)
    }
}
