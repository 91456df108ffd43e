import TambonCore

/// A remote origin producing correctly chained, signed changes for tests.
public final class TestOrigin: @unchecked Sendable {
    public let identity: NodeIdentity
    public private(set) var seq: Int64 = 0
    private var previous: [UInt8]?
    private var clock = HybridLogicalClock()

    public init(seed: UInt8) {
        identity = try! NodeIdentity(seed: Array(repeating: seed, count: 32))
    }

    public var id: NodeID { identity.id }

    /// A change to a record of the `permits` collection.
    public func change(
        _ record: String, scope: [String] = ["5001"], wall: Int64 = 1_800_000_000_000, _ operations: [ChangeOperation]
    ) -> Change {
        change("permits", record, scope: scope, wall: wall, operations)
    }

    public func change(
        _ collection: String, _ record: String, scope: [String] = ["5001"], wall: Int64 = 1_800_000_000_000,
        _ operations: [ChangeOperation]
    ) -> Change {
        seq += 1
        let change = try! Change(
            origin: identity.id, seq: seq, hlc: clock.tick(wallMillis: wall), collection: collection, record: record,
            scope: scope, operations: operations, previous: previous
        ).signed(by: identity)
        previous = change.hash
        return change
    }
}
