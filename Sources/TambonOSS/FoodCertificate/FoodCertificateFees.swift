/// The annual certificate fee of one office's schedule, with the late surcharge (domain facts: fees set by each
/// office's ordinance, 20–100 ฿ a year seen; surcharge 20 % — both configuration).
public struct FoodCertificateFees: Sendable, Codable, Equatable {
    public let annualFee: Money
    /// Percent added when a year's fee is paid after its due date.
    public let lateSurchargePercent: Int

    public init(annualFee: Money, lateSurchargePercent: Int = 20) {
        self.annualFee = annualFee
        self.lateSurchargePercent = lateSurchargePercent
    }

    public static let defaults = FoodCertificateFees(annualFee: 100)

    /// The amount due for a year whose fee falls due on `due`, when paid on `paid` (surcharge if later; rounded half
    /// up to the satang).
    public func amount(due: CivilDate, paid: CivilDate) -> Money {
        guard paid > due else { return annualFee }
        let surcharge = (annualFee.satang * Int64(lateSurchargePercent) + 50) / 100
        return annualFee + Money(satang: surcharge)
    }

    /// The due date of the fee for the `n`-th year (0 = the notification year): the notification date each year.
    public static func dueDate(notifiedOn: CivilDate, year n: Int) -> CivilDate { notifiedOn.adding(years: n) }
}
