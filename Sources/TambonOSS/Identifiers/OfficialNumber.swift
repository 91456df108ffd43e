/// An official number (permit, certificate, receipt): gap-free per office per Buddhist-Era year, written `N/YYYY`
/// (`12/2569`).
public struct OfficialNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let sequence: Int
    /// The Buddhist-Era year.
    public let year: Int

    public init(sequence: Int, year: Int) {
        precondition(sequence >= 1 && year > 2400, "official numbers start at 1 in a Buddhist-Era year")
        self.sequence = sequence
        self.year = year
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int(parts[0]), let year = Int(parts[1]), sequence >= 1,
            parts[1].count == 4, year > 2400, String(sequence) == parts[0]
        else { return nil }
        self.init(sequence: sequence, year: year)
    }

    public var description: String { "\(sequence)/\(year)" }

    public static func < (lhs: OfficialNumber, rhs: OfficialNumber) -> Bool {
        (lhs.year, lhs.sequence) < (rhs.year, rhs.sequence)
    }
}
