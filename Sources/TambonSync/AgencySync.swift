import Logging
import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// Fetches the agency directory the hub keeps when its version changed, and keeps it in the node's store so letters
/// are composed offline with it. One signed request; nothing but the version travels when nothing changed.
public struct AgencySync: Sendable {
    /// The cache's name: the directory's collection (`agencies`, TambonOSS `Agency.collection`), which pages read.
    public static let cacheName = "agencies"

    let store: Store
    let transport: any HubTransport
    let signer: RequestSigner

    public init(store: Store, transport: any HubTransport, signer: RequestSigner) {
        self.store = store
        self.transport = transport
        self.signer = signer
    }

    /// Returns whether a new directory was fetched.
    @discardableResult
    public func refresh(deadline: TimeAmount = .seconds(60)) async throws -> Bool {
        let held = try await store.cachedDirectory(Self.cacheName)
        var body: [String: JSONValue] = ["protocol": .number(Double(SyncProtocol.version))]
        if let held { body["version"] = .string(held.version) }
        let response = try await transport.post(SyncProtocol.Path.agencies, body: .object(body), signer: signer, deadline: deadline)
        guard let version = response.members["version"]?.stringValue, version.utf8.count == 64 else {
            throw TambonError(.badResponse, "bad_directory", "the hub's agency directory has no version")
        }
        if response.members["unchanged"] == .bool(true) { return false }
        guard let agencies = response.members["agencies"], case .array(let list) = agencies, list.count <= 20_000 else {
            throw TambonError(.badResponse, "bad_directory", "the hub's agency directory is not a list of at most 20,000")
        }
        try await store.cacheDirectory(Self.cacheName, version: version, body: agencies)
        return true
    }
}
