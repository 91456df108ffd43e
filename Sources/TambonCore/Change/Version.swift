/// The order of writes in merge: by HLC, then by origin id. Every change has a distinct (HLC, origin) because an
/// origin's HLC is strictly monotonic, so this is a total order and merge needs no other tie-break.
public struct Version: Sendable, Hashable, Comparable {
    public let hlc: HLC
    public let origin: NodeID

    public init(hlc: HLC, origin: NodeID) {
        self.hlc = hlc
        self.origin = origin
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.origin < rhs.origin
    }
}
