/// A remote timestamp lies further ahead of local wall time than the configured bound allows.
///
/// Accepting it would let a machine with a wrong date win every later conflict, so the change is refused.
public struct ClockSkewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node whose change carried the timestamp, if known.
    public let origin: NodeID?
    /// How far ahead of local wall time the timestamp was, in milliseconds.
    public let skewMillis: Int64
    /// The bound in force, in milliseconds.
    public let maximumMillis: Int64

    public init(origin: NodeID?, skewMillis: Int64, maximumMillis: Int64) {
        self.origin = origin
        self.skewMillis = skewMillis
        self.maximumMillis = maximumMillis
    }

    public var description: String {
        let who = origin.map { "node \($0.hex)" } ?? "a remote node"
        return "timestamp from \(who) is \(Self.format(skewMillis)) ahead of this machine's clock "
            + "(at most \(Self.format(maximumMillis)) is accepted); check the date and time on both machines"
    }

    static func format(_ millis: Int64) -> String {
        let seconds = Double(millis) / 1000
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        if seconds < 7200 { return "\(Int((seconds / 60).rounded())) min" }
        if seconds < 172_800 { return "\(Int((seconds / 3600).rounded())) h" }
        return "\(Int((seconds / 86400).rounded())) days"
    }
}
