import TambonCore
import TambonStore

/// A hub for tests that hand changes from store to store directly, with no sync: it enrols the stores, so that
/// their roster entries exist (the authority rules judge every change by its writer's entry), and delivers to a
/// replica what its pull would bring.
public struct RosterHub: Sendable {
    public let store: Store

    public init(clock: ManualClock = ManualClock()) async throws {
        store = try Store.inMemory(configuration: clock.configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "test hub")
    }

    public func id() async throws -> NodeID {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        return node.id
    }

    /// Enrols `node` (initialised, not yet joined) with `role`, as `tambon node join` would: the hub records it and
    /// publishes its roster entry, and the node records the hub.
    public func enrol(_ node: Store, role: Peer.Role) async throws {
        guard let info = try await node.node() else { throw StoreError.notInitialised }
        let token = try await store.peers.createEnrolmentToken(office: info.office, role: role)
        _ = try await store.peers.enrol(token: token, node: info.id, office: info.office, name: info.name)
        try await node.saveHubLink(url: "https://hub.test", caPEM: "-", hubID: try await id(), role: role.rawValue)
    }

    /// Gives `replica` what a pull would: the hub's changes in its office's scope (the roster), then every change
    /// of `origins` whose scope holds that office.
    public func deliver(to replica: Store, from origins: [Store]) async throws {
        guard let office = try await replica.node()?.office else { throw StoreError.notInitialised }
        let roster = try await store.storedChanges(after: 0, scope: office, limit: 100_000).changes.map { try $0.change.decoded() }
        try await replica.apply(roster)
        for origin in origins {
            let changes = try await origin.changes(after: 0, limit: 100_000).changes.map(\.change).filter { $0.scope.contains(office) }
            try await replica.apply(changes)
        }
    }
}
