import NIOCore
import TambonCore
import TambonStore

/// Enrols an initialised node with a hub (`tambon node join`): checks the hub speaks this protocol, proves the
/// node holds its key by signing the request, spends the one-time token, and pins the hub's CA.
public enum NodeEnrolment {
    @discardableResult
    public static func join(store: Store, url: String, caPEM: String, token: String) async throws -> HubLink {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        if let link = try await store.hubLink() {
            throw StoreError(.alreadyJoined, "this node is already enrolled with \(link.url)")
        }
        let client = try HubClient(url: url, caPEM: caPEM)
        do {
            let (hubID, version) = try await client.hello()
            guard version == SyncProtocol.version else {
                throw SyncFailure(status: nil, code: "upgrade_needed", message: "the hub speaks protocol \(version), this node \(SyncProtocol.version)")
            }
            let response = try await client.post(
                SyncProtocol.Path.enrol,
                body: ["token": .string(token), "office": .string(node.office), "name": .string(node.name),
                       "protocol": .number(Double(SyncProtocol.version))],
                store: store, node: node.id, hub: hubID, deadline: .seconds(30))
            let role = response.members["role"]?.stringValue ?? "office"
            try await store.saveHubLink(url: client.baseURL, caPEM: caPEM, hubID: hubID, role: role)
            await client.shutdown()
            return try await store.hubLink()!
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
