/// The annual fees of one certificate: one per year it is held (the approval year and each renewal), due on the
/// notification date's anniversary in that year (the first on the day the certificate is issued, never before), at the rate in force on that day (a waiver is a 0 ฿ schedule),
/// with the late surcharge once paid — or, unpaid, looked at — after the due date.
public struct FoodCertificateDues: Sendable, Equatable {
    public struct Due: Sendable, Equatable {
        /// Buddhist-Era year.
        public let year: Int
        public let dueOn: CivilDate
        /// What is (or was) to be paid: with the surcharge if paid late, or unpaid and late today.
        public let amount: Money
        public let payment: FeePayment?
        public var isLate: Bool { amount > base }
        /// The year's fee without surcharge.
        public let base: Money
    }

    public let dues: [Due]

    /// `notifiedOn`: the day the operator notified (submitted); `state`: the certificate's merged state.
    public init(notifiedOn: CivilDate, state: ApplicationState, fees: FeeTable<FoodCertificateFees>, on today: CivilDate) {
        dues = state.renewedYears.sorted().compactMap { year in
            let anniversary = FoodCertificateFees.dueDate(notifiedOn: notifiedOn, year: year - notifiedOn.buddhistYear)
            let dueOn = state.clock.stoppedOn.map { max($0, anniversary) } ?? anniversary
            guard let schedule = fees.schedule(on: dueOn) else { return nil }
            let payment = state.payments[year]
            return Due(
                year: year, dueOn: dueOn, amount: schedule.amount(due: dueOn, paid: payment?.paidOn ?? today), payment: payment,
                base: schedule.annualFee)
        }
    }

    /// Unpaid amounts, as of the day given at creation.
    public var outstanding: Money { dues.filter { $0.payment == nil }.reduce(Money(satang: 0)) { $0 + $1.amount } }
}
