import ArgumentParser
import TambonOffice
import TambonStore

/// `--data DIR`, shared by every command that works on a node.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The node's data directory.", valueName: "DIR"))
    var data: String

    var directory: DataDirectory { DataDirectory(path: data) }

    /// The configuration every command opens a store with: this machine's fingerprint, and the authority rules
    /// with every service's field actions, the same on every node and the hub.
    static var storeConfiguration: StoreConfiguration {
        var configuration = StoreConfiguration(host: StoreConfiguration.machineFingerprint())
        configuration.authority = ServiceCatalog.authorityRules()
        return configuration
    }

    func openStore() throws -> Store {
        try directory.open(configuration: Self.storeConfiguration)
    }

    /// Opens the store and requires it to hold a node.
    func openNode() async throws -> (Store, NodeInfo) {
        let store = try openStore()
        guard let node = try await store.node() else {
            throw StoreError(.notInitialised, "\(data) holds no Tambon node", hint: "tambon node init --data \(data) --office CODE")
        }
        return (store, node)
    }
}
