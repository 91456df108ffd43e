/// A hybrid logical clock timestamp (Kulkarni et al., 2014): 48 bits of Unix milliseconds and a 16-bit counter,
/// packed into one 64-bit integer so that integer order is timestamp order.
///
/// On the wire an HLC is 16 lower-case hex digits (fixed width, so text order is timestamp order too, and a
/// JavaScript client never meets an integer above 2^53).
public struct HLC: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The largest wall time an HLC can carry: 2^47 − 1 ms keeps the packed value positive in SQLite's signed
    /// 64-bit integers (that is the year 6429).
    public static let maximumMillis: UInt64 = (1 << 47) - 1

    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(millis: UInt64, counter: UInt16) {
        precondition(millis <= Self.maximumMillis, "HLC wall time out of range")
        rawValue = millis << 16 | UInt64(counter)
    }

    public static let zero = HLC(rawValue: 0)

    public var millis: UInt64 { rawValue >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// 16 lower-case hex digits.
    public var hex: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Parses the 16-hex-digit wire form.
    public init?(hex: String) {
        guard hex.utf8.count == 16,
            hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }),
            let value = UInt64(hex, radix: 16), value >> 16 <= Self.maximumMillis
        else { return nil }
        rawValue = value
    }

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "\(millis).\(counter)" }
}
