import Foundation
import TambonCore
import TambonStore
import TambonTestSupport

/// A remote origin producing correctly chained, signed changes for tests.
final class TestOrigin: @unchecked Sendable {
    let identity: NodeIdentity
    private(set) var seq: Int64 = 0
    private var previous: [UInt8]?
    private var clock = HybridLogicalClock()

    init(seed: UInt8) {
        identity = try! NodeIdentity(seed: Array(repeating: seed, count: 32))
    }

    var id: NodeID { identity.id }

    /// A change to a record of the `permits` collection.
    func change(
        _ record: String, scope: [String] = ["5001"], wall: Int64 = 1_800_000_000_000, _ operations: [ChangeOperation]
    ) -> Change {
        change("permits", record, scope: scope, wall: wall, operations)
    }

    func change(
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

/// A node's store for tests of the log's own mechanics (merge, chains, feeds, digests): the authority rules are
/// off unless given, since these tests write records of no office from origins no roster names. The rules have
/// tests of their own (AuthorityStoreTests).
func makeNode(office: String = "5001", clock: ManualClock = ManualClock(), authority: AuthorityRules? = nil) async throws -> Store {
    var configuration = clock.configuration
    configuration.authority = authority
    let store = try Store.inMemory(configuration: configuration)
    try await store.initialiseNode(office: office, name: "test \(office)")
    return store
}
