import TambonCore
import TambonStore
import TambonTestSupport

/// A hub store with the authority rules on, the nodes it enrolled (test origins signing by hand, as a stolen key
/// would), and replicas fed from its office feeds: the authority rules end to end, with no network.
struct AuthorityNetwork {
    static let rules = AuthorityRules.standard.allowingFieldActions(["record-inspection"])

    let clock: ManualClock
    let hub: Store
    let hubID: NodeID

    init(clock: ManualClock = ManualClock()) async throws {
        self.clock = clock
        hub = try await makeNode(office: Store.hubOffice, clock: clock, authority: Self.rules)
        hubID = try await hub.node()!.id
    }

    /// Enrols `origin` as a node of `office` with `role` (the hub publishes its roster entry).
    func enrol(_ origin: TestOrigin, office: String, role: Peer.Role) async throws {
        let token = try await hub.peers.createEnrolmentToken(office: office, role: role)
        _ = try await hub.peers.enrol(token: token, node: origin.id, office: office, name: "node \(origin.id.short)")
    }

    /// What the hub does with a push (or an imported file): chains enforced, the rules applied change by change.
    @discardableResult
    func push(_ changes: [Change]) async throws -> ApplyResult {
        try await hub.apply(changes, options: ApplyOptions(enforceChain: true))
    }

    /// A replica of `office` that joined this hub (`role` its own enrolment; it writes nothing here).
    func replica(office: String, role: String = "office") async throws -> Store {
        let store = try await makeNode(office: office, clock: clock, authority: Self.rules)
        try await store.saveHubLink(url: "https://hub.test", caPEM: "-", hubID: hubID, role: role)
        return store
    }

    /// Pulls `office`'s feed into `replica` after `cursor`, in pages of `page`; returns the new cursor.
    @discardableResult
    func pull(into replica: Store, office: String, after cursor: Int64 = 0, page: Int = 1000) async throws -> Int64 {
        var cursor = cursor
        while true {
            let next = try await hub.changes(after: cursor, scope: office, limit: page)
            try await replica.apply(next.changes.map(\.change))
            cursor = next.cursor
            if !next.more { return cursor }
        }
    }
}
