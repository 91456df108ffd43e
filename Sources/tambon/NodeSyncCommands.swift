import ArgumentParser
import Foundation
import NIOCore
import TambonCore
import TambonStore
import TambonSync

struct NodeJoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Enrol this node with the hub using a one-time token; pins the hub's certificate.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The hub's address.", valueName: "https://HOST:PORT")) var hub: String
    @Option(help: "The enrolment token from `tambon hub token`.") var token: String
    @Option(help: ArgumentHelp("The hub's CA certificate (hub-ca.pem).", valueName: "FILE")) var ca: String

    func run() async throws {
        let (store, node) = try await options.openNode()
        guard let caPEM = try? String(contentsOfFile: ca, encoding: .utf8) else { throw CommandFailure("cannot read --ca \(ca)") }
        let link = try await NodeEnrolment.join(store: store, url: hub, caPEM: caPEM, token: token)
        print("enrolled with hub \(link.hubID.hex) as the \(link.role) node of office \(node.office)")
    }
}

struct NodeSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "One full sync round: push all pending changes, pull all new ones. Progress on stderr.",
        discussion: "Exits 0 only when both directions completed.")

    @OptionGroup var options: DataOptions
    @Option(help: "Give up after this many seconds.") var timeout: Int = 300

    func run() async throws {
        guard timeout > 0 else { throw CommandFailure("--timeout must be positive") }
        let (store, _) = try await options.openNode()
        guard let link = try await store.hubLink() else {
            throw StoreError(.notJoined, "this node is not enrolled with a hub", hint: "tambon node join --data \(options.data) --hub URL --token TOKEN --ca FILE")
        }
        let client = try HubClient(url: link.url, caPEM: link.caPEM, readTimeout: .seconds(Int64(timeout)))
        let engine = SyncEngine(store: store, client: client, logger: Logging.make("tambon.sync", level: .warning))
        let seconds = timeout
        do {
            let report = try await withThrowingTaskGroup(of: SyncReport?.self) { group in
                group.addTask {
                    try await engine.round(deadline: .seconds(Int64(seconds))) { line in
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let report = first else {
                    throw CommandFailure("sync did not finish within \(seconds) s; what completed is kept and the next sync resumes from there")
                }
                return report
            }
            FileHandle.standardError.write(Data("sync complete: pushed \(report.pushed), pulled \(report.pulled)\n".utf8))
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
