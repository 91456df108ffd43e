import TambonCore
import TambonProtocol
import TambonStore

extension ExportFile {
    /// The file for this node's changes the hub has not acknowledged.
    public static func make(store: Store) async throws -> (bytes: [UInt8], changes: Int) {
        guard let node = try await store.node() else { throw StoreError.notInitialised }
        var changes: [Change] = []
        while true {
            let page = try await store.pendingChanges(limit: 10_000, after: changes.last?.seq)
            if page.isEmpty { break }
            changes += page
        }
        let bytes = try await encode(
            node: node.id, office: node.office, createdMillis: store.configuration.wallClock(), changes: changes,
            sign: { try await store.sign($0) })
        return (bytes, changes.count)
    }
}
