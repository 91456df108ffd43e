import ArgumentParser
import TambonCore
import TambonStore

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Create and inspect this office's node.",
        subcommands: [
            NodeInitCommand.self, NodeStatusCommand.self, NodeJoinCommand.self, NodeSyncCommand.self, NodeServeCommand.self,
            NodeRestoreCommand.self,
            NodeExportCommand.self, NodeAdoptCommand.self, NodeUserCommand.self, NodeSettingsCommand.self,
        ]
    )
}

struct NodeInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node: a new Ed25519 identity for an office, in a new data directory.",
        discussion: "Refuses to touch a directory that already holds a node."
    )

    @OptionGroup var options: DataOptions

    @Option(help: ArgumentHelp("The office (อปท.) code this node serves: letters, digits and '-'.", valueName: "CODE"))
    var office: String

    @Option(help: "A name for this node, shown in the hub's node list (default: the office code).")
    var name: String?

    func validate() throws {
        guard Names.isValidOffice(office) else {
            throw ValidationError("invalid office code \"\(office)\": use letters, digits and '-', at most 32 characters")
        }
    }

    func run() async throws {
        let store = try options.directory.create(configuration: DataOptions.storeConfiguration)
        let node = try await store.initialiseNode(office: office, name: name ?? office)
        print("initialised node \(node.id.hex)")
        print("office \(node.office), data in \(options.data)")
    }
}

struct NodeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this node's identity, clock and what it holds."
    )

    @OptionGroup var options: DataOptions

    func run() async throws {
        let (store, node) = try await options.openNode()
        let statistics = try await store.statistics()
        let digest = try await store.digest(scope: node.office)
        let here = DataOptions.storeConfiguration.host
        print("node     \(node.id.hex)")
        print("office   \(node.office)")
        print("name     \(node.name)")
        print("machine  \(node.host == here ? "this one" : "ANOTHER MACHINE (\(node.host)): local writes are refused")")
        print("clock    \(node.clock.hex) (\(node.clock.millis) ms + \(node.clock.counter))")
        print("own seq  \(node.lastSeq)")
        print("records  \(statistics.records)")
        print("changes  \(statistics.changes) from \(statistics.origins) node(s), last arrival \(statistics.lastArrival)")
        print("digest   \(digest) (scope \(node.office))")
        guard let link = try await store.hubLink() else {
            print("hub      not enrolled (tambon node join)")
            return
        }
        print("hub      \(link.url) (\(link.hubID.short)…, role \(link.role))")
        print("pending  \(try await store.pendingCount()) change(s) not yet accepted by the hub")
        print("synced   \(link.lastSuccessMillis.map(Timestamps.iso) ?? "never")")
        if let error = link.lastError {
            print("error    \(error) (at \(link.lastErrorMillis.map(Timestamps.iso) ?? "?"))")
        }
        print("skew     \(link.skewMillis.map { ($0 >= 0 ? "+" : "") + "\($0) ms against the hub" } ?? "unknown")")
        switch try await store.clockVerdict() {
        case .ahead(let millis):
            print("clock    AHEAD of the hub's by \(millis / 60_000) min: local writes are refused until this machine's date and time are set right")
        case .stampedAhead(let millis):
            print("clock    set right; \(millis / 60_000) min of writes stamped ahead are stamped again at the next write")
        case .ok:
            break
        }
        let refused = try await store.refusedChanges(limit: 20)
        print("refused  \(refused.count) change(s) of this node refused by the hub's authority rules\(refused.isEmpty ? "" : ":")")
        for change in refused {
            print("  #\(change.seq) \(change.collection)/\(change.record): \(change.refusal.code): \(change.refusal.message)")
        }
    }
}

struct NodeAdoptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Declare this machine the node's home after moving its data directory on purpose.",
        discussion: """
            A data directory copied to another machine refuses local writes, so that it cannot silently become a \
            second node with the same id and sequence numbers. If the old machine is gone for good, adopt the copy \
            once. If the old machine ever writes again, the hub will see a fork.
            """
    )

    @OptionGroup var options: DataOptions

    func run() async throws {
        let (store, _) = try await options.openNode()
        let node = try await store.adoptHost()
        print("node \(node.id.hex) now lives on this machine")
    }
}
