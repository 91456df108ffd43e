import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import TambonCore
import TambonHub
import TambonPostgres
import TambonProtocol
import TambonStore
import TambonSync
import TambonTLS

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the central hub that every office's node syncs with.",
        subcommands: [
            HubInitCommand.self, HubServeCommand.self, HubTokenCommand.self, HubNodesCommand.self, HubRevokeCommand.self,
            HubImportCommand.self, HubUserCommand.self, HubBankCommand.self, HubAgencyCommand.self,
        ]
    )
}

/// File layout of a hub's data directory.
enum HubFiles {
    static func caCertificate(_ data: String) -> String { (data as NSString).appendingPathComponent("hub-ca.pem") }
    static func tlsDirectory(_ data: String) -> String { (data as NSString).appendingPathComponent("tls") }
    static func certificate(_ data: String) -> String { (tlsDirectory(data) as NSString).appendingPathComponent("hub-cert.pem") }
    static func key(_ data: String) -> String { (tlsDirectory(data) as NSString).appendingPathComponent("hub-key.pem") }
    static func caKey(_ data: String) -> String { (tlsDirectory(data) as NSString).appendingPathComponent("ca-key.pem") }

    static func write(_ text: String, to path: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw TambonError.command("cannot write \(path)")
        }
    }
}

struct HubInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the hub: its store, its identity and its TLS certificate.",
        discussion: """
            Writes DIR/hub-ca.pem, the certificate nodes trust (tambon node join --ca), unless --tls-cert and \
            --tls-key give a certificate of your own. The generated certificate names localhost, 127.0.0.1, this \
            machine's host name and every --hostname.
            """
    )

    @OptionGroup var options: DataOptions
    @Option(help: "The hub's name.") var name: String = "Tambon hub"
    @Option(name: .customLong("hostname"), help: "Another name or address clients use to reach the hub (repeatable).")
    var hostnames: [String] = []
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("A PEM certificate (chain) to serve instead of a generated one.", valueName: "FILE"))
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "FILE"))
    var tlsKey: String?
    @Option(
        help: ArgumentHelp(
            "Keep the hub's log in PostgreSQL instead of the embedded SQLite: postgres://USER@HOST:PORT/DB (or postgres://USER@/DB?host=/socket/dir). "
                + "No password in the URL: set TAMBON_DATABASE_PASSWORD.", valueName: "URL"))
    var database: String?

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        var material: (certificate: String, key: String, ca: TLSSetup.Material?)
        if let tlsCertificate, let tlsKey {
            guard let certificate = try? String(contentsOfFile: tlsCertificate, encoding: .utf8),
                let key = try? String(contentsOfFile: tlsKey, encoding: .utf8)
            else { throw TambonError.command("cannot read \(tlsCertificate) or \(tlsKey)") }
            try HubTLSCheck.validate(certificate: certificate, key: key)
            material = (certificate, key, nil)
        } else {
            let generated = try TLSSetup.generate(hubName: name, hostnames: [ProcessInfo.processInfo.hostName] + hostnames)
            material = (generated.certificatePEM, generated.keyPEM, generated)
        }
        let hub: NodeInfo
        if let database {
            let settings = try DatabaseSettings(url: database)
            try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard !FileManager.default.fileExists(atPath: HubDatabase.urlFile(options.data)),
                !FileManager.default.fileExists(atPath: options.directory.databasePath)
            else { throw TambonError.command("\(options.data) already holds a hub") }
            hub = try await PostgresStore.withStore(
                settings: settings, configuration: DataOptions.storeConfiguration, directory: options.data,
                logger: Logging.make("tambon.postgres", level: .warning)
            ) { store in try await store.initialiseNode(name: name) }
            try HubFiles.write(settings.url + "\n", to: HubDatabase.urlFile(options.data), mode: 0o600)
            print("the hub's log is in PostgreSQL at \(settings.url) (its password, if any, from \(DatabaseSettings.passwordVariable))")
        } else {
            let store = try options.directory.create(configuration: DataOptions.storeConfiguration)
            hub = try await store.initialiseNode(office: Store.hubOffice, name: name)
        }
        try FileManager.default.createDirectory(
            atPath: HubFiles.tlsDirectory(options.data), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try HubFiles.write(material.certificate, to: HubFiles.certificate(options.data), mode: 0o644)
        try HubFiles.write(material.key, to: HubFiles.key(options.data), mode: 0o600)
        print("initialised hub \(hub.id.hex)")
        if let ca = material.ca {
            try HubFiles.write(ca.caKeyPEM, to: HubFiles.caKey(options.data), mode: 0o600)
            try HubFiles.write(ca.caCertificatePEM, to: HubFiles.caCertificate(options.data), mode: 0o644)
            print("nodes trust \(HubFiles.caCertificate(options.data)) (give it to `tambon node join --ca`)")
        }
    }
}

/// Checks a supplied certificate and key load before the hub is created with them.
enum HubTLSCheck {
    static func validate(certificate: String, key: String) throws {
        let directory = NSTemporaryDirectory() + "tambon-tls-check-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try HubFiles.write(certificate, to: directory + "/cert.pem", mode: 0o600)
        try HubFiles.write(key, to: directory + "/key.pem", mode: 0o600)
        do {
            _ = try TLSSetup.serverConfiguration(certificatePath: directory + "/cert.pem", keyPath: directory + "/key.pem")
        } catch {
            throw TambonError.command("the TLS certificate or key is not usable PEM: \(error)")
        }
    }
}

struct HubServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the sync protocol over HTTPS.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "HOST:PORT")) var listen: String = "127.0.0.1:8443"
    @Option(
        name: .customLong("office-quota-gib"),
        help: ArgumentHelp("Attachment storage each office may use at the hub, in GiB (1–10000).", valueName: "GIB"))
    var officeQuotaGiB: Int = 10

    func run() async throws {
        guard (1...10_000).contains(officeQuotaGiB) else {
            throw TambonError.command("--office-quota-gib must be between 1 and 10000, not \(officeQuotaGiB)")
        }
        let (host, port) = try ListenAddress.parse(listen)
        let tls = try TLSSetup.serverConfiguration(certificatePath: HubFiles.certificate(options.data), keyPath: HubFiles.key(options.data))
        let logger = Logging.make("tambon.hub", level: .info)
        let database = try HubDatabase.settings(options.data).map { "PostgreSQL at \($0.url)" } ?? "SQLite"
        try await HubDatabase.withHub(options) { store, node in
            let app = try await HubServer.makeApplication(
                store: store, tls: tls, host: host, port: port, logger: logger, refreshReportsEvery: .seconds(15),
                limits: HubLimits(officeQuotaBytes: Int64(officeQuotaGiB) << 30), banks: BankRegistry(directory: options.data)
            ) { channel in
                logger.info(
                    "hub serving",
                    metadata: [
                        "hub": "\(node.id.short)", "address": "https://\(host):\(channel.localAddress?.port ?? port)", "database": "\(database)",
                    ])
            }
            try await app.runService()
        }
    }
}

struct HubTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Print a one-time enrolment token for a node of an office.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The office the node will serve.", valueName: "CODE")) var office: String
    @Option(help: "office (the office's node: one active per office) or survey (a survey officer's laptop).") var role: String = "office"
    @Option(help: "Days until the token expires.") var days: Int = 7
    @Option(
        help: ArgumentHelp(
            "For a survey officer's phone: the officer's account at the office. The phone holds only that officer's assigned inspections.",
            valueName: "ACCOUNT")) var officer: String?

    func run() async throws {
        guard let role = Peer.Role(rawValue: role) else { throw TambonError.command("--role must be office or survey") }
        guard (1...365).contains(days) else { throw TambonError.command("--days must be 1 to 365") }
        guard Names.isValidOffice(office) else { throw TambonError.command("invalid office code \"\(office)\"") }
        if officer != nil, role != .survey { throw TambonError.command("--officer is for a phone: use it with --role survey") }
        let token = try await HubDatabase.withHub(options) { store, _ in
            try await store.registry.createEnrolmentToken(office: office, role: role, officer: officer, lifetimeMillis: Int64(days) * 86_400_000)
        }
        print(token)
    }
}

struct HubNodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List enrolled nodes: id, office, role, status, last seen, last accepted seq, refused changes, clock skew.")

    @OptionGroup var options: DataOptions

    func run() async throws {
        for peer in try await HubDatabase.withHub(options, { store, _ in try await store.registry.all() }) {
            let seen = peer.lastSeenMillis.map(Timestamps.iso) ?? "never"
            let skew = peer.skewMillis.map { ($0 >= 0 ? "+" : "") + "\($0)ms" } ?? "unknown"
            print(
                "\(peer.id.hex) office=\(peer.office) role=\(peer.role.rawValue) status=\(peer.active ? "active" : "revoked") "
                    + "last_seen=\(seen) accepted_seq=\(peer.acceptedSeq) refused=\(peer.refusedCount) skew=\(skew)"
                    + (peer.revokedAfterSeq.map { " revoked_after_seq=\($0)" } ?? ""))
        }
    }
}

struct HubRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an enrolled node: it can no longer push or pull.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The node's full id (tambon hub nodes).", valueName: "ID")) var node: String

    func run() async throws {
        guard let id = NodeID(hex: node) else { throw TambonError.command("--node must be a full node id (64 hex digits)") }
        let peer = try await HubDatabase.withHub(options) { store, _ in try await store.registry.revoke(node: id) }
        print("revoked \(peer.id.hex) (office \(peer.office), \(peer.role.rawValue))")
    }
}

struct HubImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a node's export file (from a USB stick) with the same checks as a push.")

    @OptionGroup var options: DataOptions
    @Argument(help: ArgumentHelp("The file written by `tambon node export`.", valueName: "FILE")) var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        let (node, changes) = try ExportFile.read(Array(data))
        let outcome = try await HubDatabase.withHub(options) { store, _ in
            guard let peer = try await store.registry.peer(node) else {
                throw PeerRegistry.Refusal.notEnrolled(node, hint: "enrol it first (tambon hub token, tambon node join)")
            }
            try await store.registry.publishRoster()
            return try await HubIntake(store: store, logger: Logging.make("tambon.hub", level: .warning)).accept(changes, from: peer)
        }
        print(
            "imported \(outcome.applied) change(s) from node \(node.hex) (\(outcome.duplicates) already held); hub holds it up to #\(outcome.acceptedSeq)"
        )
        for refused in outcome.refused {
            print("refused #\(refused.seq) \(refused.collection)/\(refused.record): \(refused.refusal.code): \(refused.refusal.message)")
        }
    }
}
