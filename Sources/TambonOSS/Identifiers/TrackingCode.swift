/// The code a citizen gets on submitting an application, to follow it on the public tracking page.
///
/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31 symbols, about 40 bits — far more
/// codes than applications, and too many to guess one. Typed codes are read leniently (case, spaces, dashes).
public struct TrackingCode: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    public static let length = 8

    public let value: String

    /// A new random code.
    public init<R: RandomNumberGenerator>(using generator: inout R) {
        value = String((0..<Self.length).map { _ in Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &generator)] })
    }

    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(using: &generator)
    }

    /// Reads a code as typed; nil if it cannot be one.
    public init?(_ text: String) {
        let compact = text.uppercased().filter { $0 != " " && $0 != "-" }
        guard compact.count == Self.length, compact.allSatisfy(Self.alphabet.contains) else { return nil }
        value = compact
    }

    public var description: String { value }
}
