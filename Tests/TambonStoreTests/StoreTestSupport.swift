import Foundation
import TambonCore
import TambonStore
import TambonTestSupport

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
