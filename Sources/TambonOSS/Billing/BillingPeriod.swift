/// A billing month, named as Thai offices name it: the Buddhist Era year and the month (`2569-10` is October 2026,
/// the first month of fiscal year 2570).
public struct BillingPeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let buddhistYear: Int
    public let month: Int

    public init?(buddhistYear: Int, month: Int) {
        guard (2500...3000).contains(buddhistYear), (1...12).contains(month) else { return nil }
        self.buddhistYear = buddhistYear
        self.month = month
    }

    /// The month holding `date`.
    public init(containing date: CivilDate) {
        buddhistYear = date.buddhistYear
        month = date.month
    }

    /// Reads `2569-10` (or `2569/10`); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" })
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(buddhistYear: year, month: month)
    }

    public var first: CivilDate { CivilDate(year: buddhistYear - 543, month: month, day: 1)! }

    public var last: CivilDate { next.first.adding(days: -1) }

    public var next: BillingPeriod {
        month == 12 ? BillingPeriod(buddhistYear: buddhistYear + 1, month: 1)! : BillingPeriod(buddhistYear: buddhistYear, month: month + 1)!
    }

    /// `2569-10`.
    public var description: String { "\(buddhistYear)-" + (month < 10 ? "0" : "") + "\(month)" }

    /// Reference 2 of the period's bills: `256910`.
    public var reference: String { "\(buddhistYear)" + (month < 10 ? "0" : "") + "\(month)" }

    /// The first four characters of the period's bill references: `6910`.
    var referencePrefix: String { String(reference.suffix(4)) }

    /// `ตุลาคม 2569`.
    public var thaiText: String { "\(CivilDate.thaiMonths[month - 1]) \(buddhistYear)" }

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool {
        (lhs.buddhistYear, lhs.month) < (rhs.buddhistYear, rhs.month)
    }
}
