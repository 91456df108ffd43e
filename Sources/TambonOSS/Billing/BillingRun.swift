/// The month's bill of one payer, decided from the payer, the office's settings and the payer's ledger: the
/// pure part of the monthly billing run. The office layer runs it for every payer and writes the bills.
///
/// - The bill's reference is the period's last four digits and the payer's code (`6910` + `A0001234`), so the same
///   payer and month always give the same reference: the store keeps one record per reference, and a second run
///   finds the bill there.
/// - Each billed service charges the payer's rate class from the rate table in force on the period's first day.
/// - Arrears: every older bill with something of its own still owed is carried, and its balance added.
/// - Surcharge: the settings' percentage of the carried balance of bills already past due on the issue date,
///   rounded down to the satang, as a line of the bill's own (so it is owed, and settled, like the month's fees).
public enum BillingRun {
    /// Why a payer gets no bill this month.
    public struct Skip: Error, Sendable, Equatable {
        public let payer: String
        public let code: String
        public let thai: String
        public let english: String
    }

    public static func reference(period: BillingPeriod, payer: String) -> String { period.referencePrefix + payer }

    /// The bill of `payer` for `period`; nil if the payer is not billed in that month.
    public static func bill(
        for payer: Payer, period: BillingPeriod, settings: BillingSettings, ledger: BillLedger, cubicMetres: Int64? = nil,
        issued: CivilDate, check: String
    ) throws(Skip) -> Bill? {
        guard payer.isBilled(from: period.first, to: period.last) else { return nil }
        var lines: [Bill.Line] = []
        for service in payer.services.sorted() {
            guard let schedule = settings.rates(service).schedule(on: period.first), let rate = schedule[payer.rateClass] else {
                throw Skip(
                    payer: payer.code, code: "no_rate",
                    thai: "ไม่มีอัตรา\(service.thaiName)ประเภท \"\(payer.rateClass)\" ที่ใช้ในเดือน\(period.thaiText)",
                    english: "no \(service.rawValue) rate for class \"\(payer.rateClass)\" in force in \(period)")
            }
            guard let charge = rate.charge(cubicMetres: cubicMetres) else {
                throw Skip(
                    payer: payer.code, code: "no_meter_reading", thai: "ยังไม่มีเลขมาตรน้ำของเดือน\(period.thaiText)",
                    english: "class \"\(payer.rateClass)\" is metered and \(period) has no reading")
            }
            lines.append(Bill.Line(kind: service.rawValue, label: "\(service.thaiName) \(period.thaiText)", amount: charge))
        }
        let carried = ledger.openBills.filter { $0.issued <= issued && $0.period.map { $0 < period } ?? true }
        let arrears = carried.reduce(Money.zero) { $0 + (ledger.ownBalance[$1.reference] ?? .zero) }
        let overdue = carried.filter { $0.due < issued }.reduce(Int64(0)) { $0 + (ledger.ownBalance[$1.reference]?.satang ?? 0) }
        let surcharge = overdue * Int64(settings.lateSurchargePercent) / 100
        if surcharge > 0 {
            lines.append(
                Bill.Line(kind: "surcharge", label: "เงินเพิ่ม \(settings.lateSurchargePercent)% ของค่าธรรมเนียมค้างชำระ", amount: Money(satang: surcharge)))
        }
        let bill = Bill(
            reference: reference(period: period, payer: payer.code), reference2: period.reference, payer: payer.code, application: nil,
            period: period, lines: lines, arrears: arrears, carried: carried.map(\.reference), issued: issued,
            due: issued.adding(days: settings.dueDays), check: check)
        guard bill.amount.satang <= Bill.maximumSatang else {
            throw Skip(payer: payer.code, code: "amount_too_large", thai: "ยอดรวมเกินกว่าที่ระบบรองรับ", english: "the bill's amount is over the maximum")
        }
        return bill
    }
}
