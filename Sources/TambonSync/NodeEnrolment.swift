import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// Enrols an initialised node with a hub (`tambon node join`): checks the hub speaks this protocol, proves the
/// node holds its key by signing the request, spends the one-time token, and pins the hub's CA.
public enum NodeEnrolment {
    @discardableResult
    public static func join(store: Store, url: String, caPEM: String, token: String) async throws -> HubLink {
        _ = try await joinable(store)
        return try await withClient(url: url, caPEM: caPEM) { client in
            try await join(store: store, transport: client, url: client.baseURL, caPEM: caPEM, token: token)
        }
    }

    /// Enrols over `transport`; `url` and `caPEM` are what the node keeps to reach its hub again.
    @discardableResult
    public static func join(store: Store, transport: any HubTransport, url: String, caPEM: String, token: String) async throws -> HubLink {
        let node = try await joinable(store)
        let (hubID, version) = try await transport.hello()
        guard version == SyncProtocol.version else {
            throw TambonError(.upgradeRequired, "upgrade_needed", "the hub speaks protocol \(version), this node \(SyncProtocol.version)")
        }
        let response = try await transport.post(
            SyncProtocol.Path.enrol,
            body: [
                "token": .string(token), "office": .string(node.office), "name": .string(node.name),
                "protocol": .number(Double(SyncProtocol.version)),
            ],
            signer: .store(store, node: node.id, hub: hubID), deadline: .seconds(30))
        let role = response.members["role"]?.stringValue ?? "office"
        try await store.saveHubLink(url: url, caPEM: caPEM, hubID: hubID, role: role)
        return try await store.hubLink()!
    }

    /// The node of `store`, which must not have joined a hub yet.
    private static func joinable(_ store: Store) async throws -> NodeInfo {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        if let link = try await store.hubLink() {
            throw StoreError(.alreadyJoined, "this node is already enrolled with \(link.url)")
        }
        return node
    }

    /// Rebuilds an office's node from the hub (`tambon node restore`): a new identity in a new data directory,
    /// enrolled with a token for the office (the office comes from the token), then every record of the office
    /// pulled. The old node must have been revoked if the token is for the office role.
    @discardableResult
    public static func restore(
        directory: DataDirectory, configuration: StoreConfiguration, url: String, caPEM: String, token: String,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> (Store, SyncReport) {
        try await withClient(url: url, caPEM: caPEM) { client in
            try await restore(
                directory: directory, configuration: configuration, transport: client, url: client.baseURL, caPEM: caPEM, token: token,
                progress: progress)
        }
    }

    /// Restores over `transport`; `url` and `caPEM` are what the new node keeps to reach its hub again.
    @discardableResult
    public static func restore(
        directory: DataDirectory, configuration: StoreConfiguration, transport: any HubTransport, url: String, caPEM: String,
        token: String, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> (Store, SyncReport) {
        let identity = NodeIdentity()
        // Sign the enrolment with the new key before any directory exists: nothing is written if the hub refuses.
        let signer = try Store.inMemory(configuration: configuration)
        try await signer.initialiseNode(office: "restore", name: "restore", identity: identity)
        let (hubID, _) = try await transport.hello()
        let response = try await transport.post(
            SyncProtocol.Path.enrol,
            body: ["token": .string(token), "restore": true, "name": "restored node", "protocol": .number(Double(SyncProtocol.version))],
            signer: .store(signer, node: identity.id, hub: hubID), deadline: .seconds(30))
        let office = try SyncMessage.string(response.members, "office")
        let role = response.members["role"]?.stringValue ?? "office"
        let store = try directory.create(configuration: configuration)
        try await store.initialiseNode(office: office, name: "\(office) (restored)", identity: identity)
        _ = try await store.nextCounterValue(Store.CursorName.requestNonce)  // nonce 1 was spent on enrolment
        try await store.saveHubLink(url: url, caPEM: caPEM, hubID: hubID, role: role)
        progress("enrolled as node \(identity.id.hex) of office \(office); pulling the office's records")
        let report = try await SyncEngine(store: store, transport: transport).round(progress: progress)
        return (store, report)
    }

    /// Runs `body` with an HTTPS client to the hub, shut down — awaited — whether the body returned or threw.
    private static func withClient<Result>(
        url: String, caPEM: String, _ body: (HubClient) async throws -> Result
    ) async throws -> Result {
        let client = try HubClient(url: url, caPEM: caPEM)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
