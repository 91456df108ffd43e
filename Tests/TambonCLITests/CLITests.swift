import Foundation
import TambonCore
import TambonStore
import TambonTestSupport
import Testing

@Suite struct CLITests {
    /// Every failure: non-zero exit, exactly one line on stderr, nothing on stdout.
    func expectFailure(_ result: CLI.Result, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    func initNode(_ office: String = "6500101") throws -> String {
        let directory = temporaryDirectory("tambon-cli")
        let result = try CLI.run("node", "init", "--data", directory, "--office", office, "--name", "อบต.ทดสอบ")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("initialised node "))
        return directory
    }

    @Test func putGetAndDigestFollowTheContract() throws {
        let data = try initNode()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let put = try CLI.run(
            "records", "put", "--data", data, "permits", "6500101.app-1", "area=120", #"status="draft""#, #"tags=["a","b"]"#,
            "name=สมชาย", "site={\"lat\":18.79,\"lon\":98.98}", "ok=true", "gone=null")
        #expect(put.status == 0, "\(put.stderr)")

        let get = try CLI.run("records", "get", "--data", data, "permits", "6500101.app-1")
        #expect(get.status == 0)
        #expect(
            get.stdout == #"{"area":120,"gone":null,"name":"สมชาย","ok":true,"site":{"lat":18.79,"lon":98.98},"status":"draft","tags":["a","b"]}"#
                + "\n")

        #expect(try CLI.run("records", "put", "--data", data, "permits", "6500101.app-1", "area=130.5").status == 0)
        #expect(try CLI.run("records", "get", "--data", data, "permits", "6500101.app-1").stdout.contains(#""area":130.5"#))

        let digest = try CLI.run("records", "digest", "--data", data)
        #expect(digest.status == 0)
        let line = digest.stdout.trimmingCharacters(in: .newlines)
        #expect(line.count == 64 && line.allSatisfy(\.isHexDigit))
        #expect(try CLI.run("records", "digest", "--data", data, "--scope", "6500101").stdout == digest.stdout)
        #expect(try CLI.run("records", "digest", "--data", data, "--scope", "9999999").stdout != digest.stdout)
        #expect(try CLI.run("node", "status", "--data", data).stdout.contains(line))
    }

    @Test func staffAccountsAreAddedWithThePasswordOnStandardInput() throws {
        let data = try initNode()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let added = try CLI.run(
            ["node", "user", "add", "--data", data, "--name", "somsri", "--role", "officer", "--password-stdin"],
            input: "a long enough password\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added officer somsri to office 6500101"))
        expectFailure(
            try CLI.run(
                ["node", "user", "add", "--data", data, "--name", "somsri", "--role", "admin", "--password-stdin"],
                input: "another long password\n"), mentioning: "already a user somsri")
        expectFailure(
            try CLI.run(
                ["node", "user", "add", "--data", data, "--name", "chai", "--role", "surveyor", "--password-stdin"],
                input: "short\n"), mentioning: "password")
        expectFailure(try CLI.run("node", "user", "add", "--data", data, "--name", "chai", "--role", "surveyor"), mentioning: "--password-stdin")
        expectFailure(
            try CLI.run("node", "user", "add", "--data", data, "--name", "chai", "--role", "citizen", "--password-stdin"), mentioning: "--role")
        #expect(try CLI.run("node", "user", "list", "--data", data).stdout == "somsri\tofficer\n")
    }

    @Test func serveKeepsPasswordsOffTheNetworkInClear() throws {
        let data = try initNode()
        defer { try? FileManager.default.removeItem(atPath: data) }
        // Loopback: plain HTTP (only this machine can connect).
        let local = try ServerProcess(arguments: ["node", "serve", "--data", data, "--listen", "127.0.0.1:0"], address: #"address=https?://[^ ]+"#)
        #expect(local.url.hasPrefix("http://"))
        local.stop()
        // The office network: HTTPS with a certificate the node makes itself, its CA left for the browsers.
        let lan = try ServerProcess(arguments: ["node", "serve", "--data", data, "--listen", "0.0.0.0:0"], address: #"address=https?://[^ ]+"#)
        #expect(lan.url.hasPrefix("https://"), "\(lan.url)")
        lan.stop()
        #expect(FileManager.default.fileExists(atPath: data + "/tls/node-ca.pem"))
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/tls/node-key.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Plain HTTP there only when asked for explicitly, with a warning.
        let insecure = try ServerProcess(
            arguments: ["node", "serve", "--data", data, "--listen", "0.0.0.0:0", "--insecure-http"],
            address: #"address=https?://[^ ]+"#)
        #expect(insecure.url.hasPrefix("http://"))
        #expect(insecure.output.contains("in clear"))
        insecure.stop()
        expectFailure(try CLI.run("node", "serve", "--data", data, "--tls-cert", "/nonexistent.pem"), mentioning: "--tls-key")
    }

    @Test func twoNodesHoldingTheSameValuesPrintTheSameDigest() throws {
        let first = try initNode()
        let second = try initNode()
        defer { for d in [first, second] { try? FileManager.default.removeItem(atPath: d) } }
        for data in [first, second] {
            #expect(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=1", "y=two").status == 0)
        }
        #expect(try CLI.run("records", "digest", "--data", first).stdout == CLI.run("records", "digest", "--data", second).stdout)
        #expect(try CLI.run("records", "put", "--data", second, "c", "6500101.r", "y=three").status == 0)
        #expect(try CLI.run("records", "digest", "--data", first).stdout != CLI.run("records", "digest", "--data", second).stdout)
    }

    @Test func failuresExitNonZeroWithOneLineAndWriteNothing() throws {
        let missing = temporaryDirectory("tambon-cli")
        expectFailure(try CLI.run("records", "put", "--data", missing, "c", "6500101.r", "x=1"), mentioning: "no such data directory")
        expectFailure(try CLI.run("records", "get", "--data", missing, "c", "6500101.r"), mentioning: "no such data directory")
        expectFailure(try CLI.run("records", "digest", "--data", missing), mentioning: "node init")
        #expect(!FileManager.default.fileExists(atPath: missing), "a failed command must not create the directory")

        let empty = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        expectFailure(try CLI.run("records", "put", "--data", empty, "c", "6500101.r", "x=1"), mentioning: "holds no Tambon node")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)

        let data = try initNode()
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=1").status == 0)
        let before = try CLI.run("node", "status", "--data", data).stdout

        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=[1,"), mentioning: "malformed JSON value for x")
        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", #"x="open"#), mentioning: "malformed JSON")
        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=1e999"), mentioning: "malformed JSON")
        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=1", "noequals"), mentioning: "FIELD=VALUE")
        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "x=1", "x=2"), mentioning: "given twice")
        expectFailure(try CLI.run("records", "put", "--data", data, "c", "6500101.r", "9x=1"), mentioning: "invalid field name")
        expectFailure(try CLI.run("records", "put", "--data", data, "Bad Collection", "r", "x=1"), mentioning: "invalid collection")
        expectFailure(try CLI.run("records", "get", "--data", data, "c", "nope"), mentioning: "no record c/nope")
        expectFailure(try CLI.run("node", "init", "--data", data, "--office", "6500101"), mentioning: "already holds a Tambon node")
        #expect(try CLI.run("node", "status", "--data", data).stdout == before, "failed commands changed the node")
        #expect(try CLI.run("records", "get", "--data", data, "c", "6500101.r").stdout == #"{"x":1}"# + "\n")
    }

    @Test func usageErrorsAreOneLineToo() throws {
        let data = temporaryDirectory("tambon-cli")
        expectFailure(try CLI.run("node", "init", "--data", data, "--office", "65/01"), mentioning: "invalid office code")
        #expect(!FileManager.default.fileExists(atPath: data))
        expectFailure(try CLI.run("records", "put", "--data", data, "c"), mentioning: "Missing expected argument")
        expectFailure(try CLI.run("node", "frobnicate"), mentioning: "frobnicate")
    }

    @Test func helpDescribesTheCommands() throws {
        let help = try CLI.run("records", "put", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("FIELD=VALUE"))
        #expect(try CLI.run("--help").stdout.contains("node"))
    }
}

/// The data directory holds the node's private key and citizens' personal data: only its owner may read any of it.
@Suite struct DataDirectoryPermissionTests {
    func mode(_ path: String) throws -> Int { try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) }

    @Test func aDirectoryMadeByHandIsMadePrivateAndSQLitesFilesAreTooWhileOpen() async throws {
        let path = temporaryDirectory("tambon-perms")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let directory = DataDirectory(path: path)
        let store = try directory.create(configuration: StoreConfiguration())
        try await store.initialiseNode(office: "6500101", name: "n")
        try await store.write(collection: "notes", record: "6500101.n", set: ["x": 1])
        #expect(try mode(path) == 0o700, "an existing directory is tightened")
        for suffix in ["", "-wal", "-shm"] {
            let file = directory.databasePath + suffix
            #expect(FileManager.default.fileExists(atPath: file), "\(suffix) exists while the store is open")
            #expect(try mode(file) == 0o600, "tambon.sqlite\(suffix)")
        }
        // A directory loosened later (by hand, a backup tool) is tightened again when the node opens it.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory.databasePath)
        _ = try directory.open(configuration: StoreConfiguration())
        #expect(try mode(path) == 0o700 && mode(directory.databasePath) == 0o600)
    }

    @Test func theCommandLineWritesNothingOthersCanRead() throws {
        let path = temporaryDirectory("tambon-perms")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CLI.run("node", "init", "--data", path, "--office", "6500101").status == 0)
        #expect(try CLI.run("records", "put", "--data", path, "notes", "6500101.n", "x=1").status == 0)
        let export = path + "/../" + (path as NSString).lastPathComponent + ".export.json"
        defer { try? FileManager.default.removeItem(atPath: export) }
        let exported = try CLI.run("node", "export", "--data", path, "--out", export)
        #expect(exported.status == 0 || exported.stderr.contains("not enrolled"), "\(exported.stderr)")
        for file in try FileManager.default.contentsOfDirectory(atPath: path) {
            #expect(try mode(path + "/" + file) & 0o077 == 0, "\(file) is private")
        }
        if FileManager.default.fileExists(atPath: export) { #expect(try mode(export) & 0o077 == 0, "the export is private") }
    }
}
