/// A calendar day in Thailand (UTC+7, no daylight saving), with Buddhist-Era and fiscal-year views.
///
/// Legal periods (a permit's 45 days, a certificate's year) count calendar days in Thai time, so the date a
/// moment falls on is taken at UTC+7 whatever the machine's time zone.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The Common-Era year.
    public let year: Int
    public let month: Int
    public let day: Int

    /// Thailand's offset from UTC.
    public static let thaiOffsetMillis: Int64 = 7 * 3_600_000

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The Thai calendar day of a moment (ms since the Unix epoch).
    public init(thaiDayOf millis: Int64) {
        let local = millis + Self.thaiOffsetMillis
        self.init(daysSinceEpoch: Int(local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000))
    }

    /// Reads `YYYY-MM-DD` (Common Era).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            text.utf8.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: "-") }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (negative if `other` is earlier).
    public func days(until other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// The same day `years` later (29 February becomes 28 February in a common year).
    public func adding(years: Int) -> CivilDate {
        CivilDate(year: year + years, month: month, day: min(day, Self.daysIn(month: month, year: year + years)))!
    }

    /// Buddhist Era = Common Era + 543 (2569 = 2026).
    public var buddhistYear: Int { year + 543 }

    /// The fiscal year (1 October – 30 September), named by the Buddhist-Era year in which it ends.
    public var fiscalYear: Int { month >= 10 ? buddhistYear + 1 : buddhistYear }

    public static let thaiMonths = [
        "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
        "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    ]
    public static let thaiMonthsShort = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]

    /// `26 พฤศจิกายน 2569`, as on official documents.
    public var thaiText: String { "\(day) \(Self.thaiMonths[month - 1]) \(buddhistYear)" }

    /// `26 พ.ย. 2569`, for tables.
    public var thaiShortText: String { "\(day) \(Self.thaiMonthsShort[month - 1]) \(buddhistYear)" }

    /// `2026-11-26`.
    public var iso: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (month < 10 ? "0" : "") + String(month) + "-"
            + (day < 10 ? "0" : "") + String(day)
    }

    public var description: String { iso }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension CivilDate {
    /// `26 พ.ย. 2569 09:05`: the Thai date and time of `millis` (ms since 1970).
    public static func thaiTime(_ millis: Int64) -> String {
        let minutes = ((millis + thaiOffsetMillis) / 60_000) % 1440
        let hh = minutes / 60
        let mm = minutes % 60
        return CivilDate(thaiDayOf: millis).thaiShortText + " " + (hh < 10 ? "0" : "") + String(hh) + ":" + (mm < 10 ? "0" : "") + String(mm)
    }
}
