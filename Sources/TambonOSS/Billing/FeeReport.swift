/// The office's fee report from its bills, payers and ledgers (pure): billed against collected per month, the
/// arrears list, and the collection rate per village. Amounts are what bills charge of their own (arrears are
/// counted once, in the month first billed); collected is what settled them, by the month it was received.
public struct FeeReport: Sendable {
    public struct Month: Sendable, Equatable {
        public let period: BillingPeriod
        public let billed: Money
        public let collected: Money
    }

    public struct Arrears: Sendable, Equatable {
        public let payer: String
        public let name: String
        public let village: Int
        public let owed: Money
        public let oldestDue: CivilDate
        public let bills: Int
    }

    public struct Village: Sendable, Equatable {
        public let village: Int
        public let billed: Money
        public let collected: Money
        /// Collected of billed, in tenths of a percent (995 = 99.5%); nil when nothing was billed.
        public var permille: Int? { billed.satang > 0 ? Int(collected.satang * 1_000 / billed.satang) : nil }
    }

    public let months: [Month]
    public let arrears: [Arrears]
    public let villages: [Village]

    /// `ledgers` by payer code; settlements beyond any debt (credits) are not collected fees.
    public init(payers: [Payer], ledgers: [String: BillLedger], on today: CivilDate) {
        var billedByMonth: [BillingPeriod: Int64] = [:]
        var collectedByMonth: [BillingPeriod: Int64] = [:]
        var billedByVillage: [Int: Int64] = [:]
        var collectedByVillage: [Int: Int64] = [:]
        var arrears: [Arrears] = []
        let villageOf = Dictionary(payers.map { ($0.code, $0.village) }, uniquingKeysWith: { first, _ in first })
        let nameOf = Dictionary(payers.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        for (code, ledger) in ledgers {
            let village = villageOf[code] ?? 0
            for bill in ledger.bills.values {
                let period = bill.period ?? BillingPeriod(containing: bill.issued)
                billedByMonth[period, default: 0] += bill.own.satang
                billedByVillage[village, default: 0] += bill.own.satang
            }
            for applied in ledger.applied where !applied.unknownBill {
                let paid = applied.settlement.amount.satang - applied.credit.satang
                collectedByMonth[BillingPeriod(containing: CivilDate(thaiDayOf: applied.settlement.at)), default: 0] += paid
                collectedByVillage[village, default: 0] += paid
            }
            let overdue = ledger.openBills.filter { $0.due < today }
            if let oldest = overdue.first, villageOf[code] != nil {
                arrears.append(
                    Arrears(
                        payer: code, name: nameOf[code] ?? "", village: village, owed: ledger.totalOwed, oldestDue: oldest.due,
                        bills: overdue.count))
            }
        }
        months = Set(billedByMonth.keys).union(collectedByMonth.keys).sorted().map {
            Month(period: $0, billed: Money(satang: billedByMonth[$0] ?? 0), collected: Money(satang: collectedByMonth[$0] ?? 0))
        }
        self.arrears = arrears.sorted { $0.owed != $1.owed ? $0.owed > $1.owed : $0.payer < $1.payer }
        villages = Set(billedByVillage.keys).union(collectedByVillage.keys).sorted().map {
            Village(village: $0, billed: Money(satang: billedByVillage[$0] ?? 0), collected: Money(satang: collectedByVillage[$0] ?? 0))
        }
    }
}
