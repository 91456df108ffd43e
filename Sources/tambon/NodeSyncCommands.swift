import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import TambonCore
import TambonProtocol
import TambonServer
import TambonStore
import TambonSync
import TambonTLS

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
        guard let caPEM = try? String(contentsOfFile: ca, encoding: .utf8) else { throw TambonError.command("cannot read --ca \(ca)") }
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
        guard timeout > 0 else { throw TambonError.command("--timeout must be positive") }
        let (store, _) = try await options.openNode()
        guard let link = try await store.hubLink() else {
            throw StoreError(
                .notJoined, "this node is not enrolled with a hub", hint: "tambon node join --data \(options.data) --hub URL --token TOKEN --ca FILE")
        }
        let client = try HubClient(url: link.url, caPEM: link.caPEM, readTimeout: .seconds(Int64(timeout)))
        let engine = SyncEngine(store: store, transport: client, logger: Logging.make("tambon.sync", level: .warning))
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
                    throw TambonError.command(
                        "sync did not finish within \(seconds) s; what completed is kept and the next sync resumes from there", kind: .unavailable)
                }
                return report
            }
            FileHandle.standardError.write(Data("sync complete: pushed \(report.pushed), pulled \(report.pulled)\n".utf8))
            if await engine.refreshDirectory() { FileHandle.standardError.write(Data("agency directory updated\n".utf8)) }
            if report.refused > 0 {
                FileHandle.standardError.write(
                    Data("warning: the hub refused \(report.refused) change(s) of this node; see tambon node status --data \(options.data)\n".utf8))
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}

struct NodeRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Rebuild an office's node from the hub: a new identity in a new data directory, with all the office's records.",
        discussion: """
            Use it when a node's directory is lost, damaged, restored from an old backup or copied. If the token is \
            for the office role, revoke the old node first (tambon hub revoke).
            """)

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The hub's address.", valueName: "https://HOST:PORT")) var hub: String
    @Option(help: "An enrolment token for the office, from `tambon hub token`.") var token: String
    @Option(help: ArgumentHelp("The hub's CA certificate (hub-ca.pem).", valueName: "FILE")) var ca: String

    func run() async throws {
        guard let caPEM = try? String(contentsOfFile: ca, encoding: .utf8) else { throw TambonError.command("cannot read --ca \(ca)") }
        if FileManager.default.fileExists(atPath: options.directory.databasePath) {
            throw TambonError.command("\(options.data) already holds a node; restore into a new directory")
        }
        let (store, report) = try await NodeEnrolment.restore(
            directory: options.directory, configuration: DataOptions.storeConfiguration, url: hub, caPEM: caPEM, token: token
        ) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let node = try await store.node()!
        print("restored node \(node.id.hex) of office \(node.office): \(report.pulled) change(s) pulled")
    }
}

struct NodeExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the signed changes the hub has not accepted yet to a file (for a USB stick).",
        discussion: "Take the file to the hub and run `tambon hub import --data HUBDIR FILE`. The next sync acknowledges them.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE")) var out: String

    func run() async throws {
        let (store, _) = try await options.openNode()
        let (bytes, count) = try await ExportFile.make(store: store)
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw TambonError.command("cannot write \(out)")
        }
        print("wrote \(count) change(s) to \(out)")
    }
}

struct NodeServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the node: its HTTP server and the background sync with the hub.",
        discussion: """
            Syncs within seconds of a local write (also one made by another process on the same directory) and at \
            least once a minute; while the hub is unreachable, retries with exponential backoff and jitter, capped \
            at one minute. GET /health shows the sync state. Stop with Ctrl-C (graceful).
            """)

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("Address of the node's web server (default: this machine only).", valueName: "HOST:PORT")) var listen: String =
        "127.0.0.1:8080"
    @Option(help: ArgumentHelp("TLS certificate chain (PEM) for serving the office network over HTTPS.", valueName: "FILE")) var tlsCert: String?
    @Option(help: ArgumentHelp("The TLS certificate's private key (PEM).", valueName: "FILE")) var tlsKey: String?
    @Flag(help: "Serve plain HTTP on a non-loopback address (officers' passwords would cross the network in clear).")
    var insecureHttp = false

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-cert and --tls-key together") }
        guard !(insecureHttp && tlsCert != nil) else { throw ValidationError("--insecure-http and --tls-cert contradict each other") }
    }

    /// 127.0.0.0/8, ::1 and localhost: only this machine can connect.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func run() async throws {
        let (host, port) = try ListenAddress.parse(listen)
        let (store, node) = try await options.openNode()
        var logger = Logging.make("tambon.node", level: .info)
        logger[metadataKey: "node"] = "\(node.id.short)"
        logger[metadataKey: "office"] = "\(node.office)"
        let loop: SyncLoop?
        if try await store.hubLink() != nil {
            loop = SyncLoop(store: store, logger: logger)
        } else {
            loop = nil
            logger.notice("not enrolled with a hub: serving without sync (tambon node join)")
        }
        // The office network gets HTTPS unless the operator says otherwise: officers' passwords never cross it in clear.
        var tls: TLSConfiguration?
        if let tlsCert, let tlsKey {
            tls = try TLSSetup.serverConfiguration(certificatePath: tlsCert, keyPath: tlsKey)
        } else if !Self.isLoopback(host) {
            if insecureHttp {
                logger.warning("serving plain HTTP on \(host): passwords and personal data cross the network in clear (--insecure-http)")
            } else {
                let files = try NodeTLSFiles.ensure(data: options.data, nodeName: node.name, host: host)
                tls = try TLSSetup.serverConfiguration(certificatePath: files.certificate, keyPath: files.key)
                logger.notice(
                    "serving HTTPS with this node's own certificate; install its CA in the office browsers", metadata: ["ca": "\(files.ca)"])
            }
        }
        let scheme = tls == nil ? "http" : "https"
        let serverLogger = logger
        let app = try await NodeServer.makeApplication(store: store, host: host, port: port, logger: logger, syncLoop: loop, tls: tls) { channel in
            serverLogger.info("node serving", metadata: ["address": "\(scheme)://\(host):\(channel.localAddress?.port ?? port)"])
        }
        try await app.runService()
    }
}
