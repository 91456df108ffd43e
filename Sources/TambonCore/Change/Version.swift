/// The order of writes in merge: by HLC, then by origin id, then by seq. (origin, seq) names exactly one change,
/// so this is a total order even if a faulty origin stamped two changes with the same HLC.
public struct Version: Sendable, Hashable, Comparable {
    public let hlc: HLC
    public let origin: NodeID
    public let seq: Int64

    public init(hlc: HLC, origin: NodeID, seq: Int64) {
        self.hlc = hlc
        self.origin = origin
        self.seq = seq
    }

    public init(of change: Change) {
        self.init(hlc: change.hlc, origin: change.origin, seq: change.seq)
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        if lhs.origin != rhs.origin { return lhs.origin < rhs.origin }
        return lhs.seq < rhs.seq
    }
}
