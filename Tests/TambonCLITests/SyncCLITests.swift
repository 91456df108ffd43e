import Foundation
import TambonTestSupport
import Testing

@Suite(.serialized) struct SyncCLITests {
    @Test func hubAndNodesFollowTheCommandContract() throws {
        let root = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", office = root + "/office", survey = root + "/survey", other = root + "/other"

        let initHub = try CLI.run("hub", "init", "--data", hubDir, "--name", "ศูนย์กลาง", "--hostname", "hub.example.test")
        #expect(initHub.status == 0, "\(initHub.stderr)")
        let ca = hubDir + "/hub-ca.pem"
        #expect(FileManager.default.fileExists(atPath: ca))
        let keyMode = try FileManager.default.attributesOfItem(atPath: hubDir + "/tls/hub-key.pem")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let hub = try HubProcess(data: hubDir)
        defer { hub.stop() }

        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101")
        #expect(token.status == 0 && token.stdout.split(separator: "\n").count == 1)
        #expect(try CLI.run("node", "init", "--data", office, "--office", "6500101").status == 0)
        let join = try CLI.run(
            "node", "join", "--data", office, "--hub", hub.url, "--token", token.stdout.trimmingCharacters(in: .newlines), "--ca", ca)
        #expect(join.status == 0, "\(join.stderr)")
        #expect(try CLI.run("records", "put", "--data", office, "permits", "6500101.app-1", "area=120", "status=draft").status == 0)
        let sync = try CLI.run("node", "sync", "--data", office)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("pushed 1"))

        // A token is single-use, and a second office node is refused.
        let reuse = try CLI.run("node", "init", "--data", other, "--office", "6500101")
        #expect(reuse.status == 0)
        let again = try CLI.run(
            "node", "join", "--data", other, "--hub", hub.url, "--token", token.stdout.trimmingCharacters(in: .newlines), "--ca", ca)
        #expect(again.status != 0 && again.stderr.contains("already been used"))

        let surveyToken = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101", "--role", "survey").stdout.trimmingCharacters(
            in: .newlines)
        #expect(try CLI.run("node", "init", "--data", survey, "--office", "6500101").status == 0)
        #expect(try CLI.run("node", "join", "--data", survey, "--hub", hub.url, "--token", surveyToken, "--ca", ca).status == 0)
        #expect(try CLI.run("node", "sync", "--data", survey).status == 0)
        #expect(try CLI.run("records", "get", "--data", survey, "permits", "6500101.app-1").stdout == #"{"area":120,"status":"draft"}"# + "\n")
        let digest = try CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout
        #expect(try CLI.run("records", "digest", "--data", survey).stdout == digest)
        #expect(try CLI.run("records", "get", "--data", hubDir, "permits", "6500101.app-1").status == 0)

        let nodes = try CLI.run("hub", "nodes", "--data", hubDir)
        let lines = nodes.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.prefix(64).allSatisfy(\.isHexDigit) && $0.contains("office=6500101") && $0.contains("status=active") })
        #expect(lines.contains { $0.contains("role=office") && $0.contains("accepted_seq=1") })

        // Sneakernet: a write exported to a file and imported at the hub.
        #expect(try CLI.run("records", "put", "--data", office, "permits", "6500101.app-2", "area=60").status == 0)
        let status = try CLI.run("node", "status", "--data", office).stdout
        #expect(status.contains("pending  1 change(s)"))
        let file = root + "/usb.json"
        #expect(try CLI.run("node", "export", "--data", office, "--out", file).stdout.contains("wrote 1 change"))
        let imported = try CLI.run("hub", "import", "--data", hubDir, file)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try CLI.run("records", "get", "--data", hubDir, "permits", "6500101.app-2").stdout.contains("60"))

        // Revoked: the node can no longer sync; one clear line.
        let surveyID = try #require(lines.first { $0.contains("role=survey") }).prefix(64)
        #expect(try CLI.run("hub", "revoke", "--data", hubDir, "--node", String(surveyID)).status == 0)
        let refused = try CLI.run("node", "sync", "--data", survey)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("revoked"))
        #expect(try CLI.run("node", "status", "--data", survey).stdout.contains("revoked"))
    }

    @Test func syncCommandsFailClearlyWhenNotEnrolledOrUnreachable() throws {
        let root = temporaryDirectory("tambon-cli")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let node = root + "/node"
        #expect(try CLI.run("node", "init", "--data", node, "--office", "6500101").status == 0)
        let notJoined = try CLI.run("node", "sync", "--data", node)
        #expect(notJoined.status != 0 && notJoined.stderr.contains("not enrolled"))
        let badURL = try CLI.run("node", "join", "--data", node, "--hub", "http://127.0.0.1:1", "--token", "x", "--ca", "/nonexistent")
        #expect(badURL.status != 0 && badURL.stderr.split(separator: "\n").count == 1)
    }
}

@Suite(.serialized) struct CrashCLITests {
    @Test func aNodeKilledMidSyncResumesWithNothingLostOrDoubled() throws {
        let root = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", office = root + "/office", survey = root + "/survey"
        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        let hub = try HubProcess(data: hubDir)
        defer { hub.stop() }
        let ca = hubDir + "/hub-ca.pem"
        for (dir, role) in [(office, "office"), (survey, "survey")] {
            #expect(try CLI.run("node", "init", "--data", dir, "--office", "6500101").status == 0)
            let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101", "--role", role).stdout.trimmingCharacters(in: .newlines)
            #expect(try CLI.run("node", "join", "--data", dir, "--hub", hub.url, "--token", token, "--ca", ca).status == 0)
        }
        // Enough changes that a sync takes several requests.
        var puts: [String] = []
        for index in 0..<60 { puts.append("f\(index)=\(index)") }
        for index in 0..<40 {
            #expect(try CLI.run(["records", "put", "--data", office, "bulk", "6500101.r-\(index)"] + puts).status == 0)
        }
        for dir in [office, survey] {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["node", "sync", "--data", dir]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.15)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let resumed = try CLI.run("node", "sync", "--data", dir)
            #expect(resumed.status == 0, "\(resumed.stderr)")
        }
        let digest = try CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout
        #expect(try CLI.run("records", "digest", "--data", office).stdout == digest)
        #expect(try CLI.run("records", "digest", "--data", survey).stdout == digest)
        // Each change applied once: the office node's 40, and the hub's roster entries of the two nodes.
        #expect(try CLI.run("node", "status", "--data", hubDir).stdout.contains("changes  42 from 2 node(s)"), "each change applied once")
        #expect(try CLI.run("node", "status", "--data", survey).stdout.contains("changes  42 from 2 node(s)"))
    }

    @Test func aManualSyncBesideNodeServeIsSafe() throws {
        let root = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", office = root + "/office"
        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        let hub = try HubProcess(data: hubDir)
        defer { hub.stop() }
        #expect(try CLI.run("node", "init", "--data", office, "--office", "6500101").status == 0)
        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101").stdout.trimmingCharacters(in: .newlines)
        #expect(try CLI.run("node", "join", "--data", office, "--hub", hub.url, "--token", token, "--ca", hubDir + "/hub-ca.pem").status == 0)

        let serve = Process()
        serve.executableURL = CLI.binary
        serve.arguments = ["node", "serve", "--data", office, "--listen", "127.0.0.1:0"]
        serve.standardError = FileHandle.nullDevice
        serve.standardOutput = FileHandle.nullDevice
        try serve.run()
        defer { serve.terminate(); serve.waitUntilExit() }
        // Writes by this process are picked up by the server's loop; manual syncs run at the same time.
        for round in 0..<8 {
            #expect(try CLI.run("records", "put", "--data", office, "permits", "6500101.app-\(round)", "area=\(100 + round)").status == 0)
            let manual = try CLI.run("node", "sync", "--data", office)
            #expect(manual.status == 0, "round \(round): \(manual.stderr)")
            #expect(!manual.stderr.contains("locked"))
        }
        #expect(try CLI.run("node", "status", "--data", office).stdout.contains("pending  0 change(s)"))
        // The office node's 8 changes and the hub's roster entry for it.
        #expect(try CLI.run("node", "status", "--data", hubDir).stdout.contains("changes  9 from 2 node(s)"))
        #expect(
            try CLI.run("records", "digest", "--data", office).stdout == CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout)
    }
}
