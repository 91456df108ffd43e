/// An amount in satang (1/100 baht): fees are exact, never floating point.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let satang: Int64

    public init(satang: Int64) { self.satang = satang }

    /// Whole baht.
    public init(integerLiteral baht: Int64) { satang = baht * 100 }

    public init(baht: Int64) { satang = baht * 100 }

    public static let zero = Money(satang: 0)

    /// Reads an amount as typed in baht: `150`, `150.5`, `1,260.50`; nil for signs, exponents, three decimals or 10
    /// digits of baht or more.
    public init?(baht text: String) {
        self.init(decimal: text.filter { $0 != "," && $0 != " " })
    }

    /// Reads an amount written as a bank writes it: digits, then at most two decimals (`40`, `40.1`, `40.10`), at most
    /// `maximumBahtDigits` digits of baht; nil for anything else (separators, signs, exponents).
    public init?(decimal text: String, maximumBahtDigits: Int = 9) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...maximumBahtDigits).contains(parts[0].count), parts[0].allSatisfy({ ("0"..."9").contains($0) }),
            let baht = Int64(parts[0])
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ ("0"..."9").contains($0) }), let value = Int64(parts[1]) else { return nil }
            fraction = parts[1].count == 1 ? value * 10 : value
        }
        satang = baht * 100 + fraction
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(satang: lhs.satang + rhs.satang) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.satang < rhs.satang }

    /// `260.00`: two decimals, no separators (as Thai QR's amount field wants).
    public var decimal: String {
        let sign = satang < 0 ? "-" : ""
        let value = satang.magnitude
        let fraction = value % 100
        return sign + String(value / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// `1,260.00 บาท`.
    public var thaiText: String {
        let whole = String(satang.magnitude / 100)
        var grouped = ""
        for (index, character) in whole.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let fraction = satang.magnitude % 100
        return (satang < 0 ? "-" : "") + String(grouped.reversed()) + "." + (fraction < 10 ? "0" : "") + String(fraction) + " บาท"
    }

    public var description: String { decimal }
}
