/// Signatures already found valid, each for its origin and hash. A signature's validity depends on nothing else,
/// so a change whose (origin, hash, signature) is in the set needs no second Ed25519 check: the hub checks the
/// signatures of a push while its body is still arriving and hands the results to ``ChangeValidator``'s caller.
public struct CheckedSignatures: Sendable {
    private var keys: Set<[UInt8]> = []

    public init() {}

    public var count: Int { keys.count }

    /// Records that `change`'s signature verified against its origin's key over its hash.
    public mutating func insert(_ change: Change) {
        keys.insert(Self.key(change))
    }

    public func contains(_ change: Change) -> Bool {
        keys.contains(Self.key(change))
    }

    private static func key(_ change: Change) -> [UInt8] {
        change.origin.bytes + change.hash + change.signature
    }
}
