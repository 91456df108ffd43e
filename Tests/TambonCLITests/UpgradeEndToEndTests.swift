import Foundation
import TambonTestSupport
import Testing

/// A hub and an office node written by protocol 1's build (before the authority rules), opened by this one:
/// Fixtures/protocol1.tar.gz, made by scripts/make-protocol1-fixture.sh with that build. The hub migrates and
/// publishes its roster; the node's unsynced writes are judged by the new rules; its application (its id the
/// bare tracking code) is copied into the office's namespace; and a node restored from the upgraded hub holds the
/// old history exactly as the hub does.
@Suite(.serialized) struct UpgradeEndToEndTests {
    @Test func aProtocol1HubAndNodeUpgradeInPlaceAndKeepTheirHistory() async throws {
        let root = temporaryDirectory("tambon-upgrade")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/protocol1.tar.gz").path
        let untar = Process()
        untar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        untar.arguments = ["-C", root, "-xzf", fixture]
        try untar.run()
        untar.waitUntilExit()
        #expect(untar.terminationStatus == 0)
        let hubDir = root + "/hub", office = root + "/office", ca = hubDir + "/hub-ca.pem"
        let filed = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: office + "/filed.json"))) as? [String: Any])
        let code = try #require(filed["tracking_code"] as? String)

        // The protocol-1 node was made on this machine or another: adopting it here is the operator's decision.
        #expect(try CLI.run("node", "adopt", "--data", office).status == 0)
        let before = try CLI.run("node", "status", "--data", office).stdout
        #expect(before.contains("own seq  5") && before.contains("pending  2 change(s)"), "\(before)")

        // The node kept the hub's address from then: the upgraded hub serves there again.
        let hub = try ServerProcess(
            arguments: ["hub", "serve", "--data", hubDir, "--listen", "127.0.0.1:18443"], address: #"address=https://127\.0\.0\.1:\d+"#)
        defer { hub.stop() }
        #expect(hub.output.contains("published roster entries"), "\(hub.output)")
        let digestBefore = try CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout

        // Its two unsynced writes: the namespaced one is accepted, the bare id is refused and listed.
        let synced = try CLI.run("node", "sync", "--data", office)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stderr.contains("the hub refused 1 change(s)"), "\(synced.stderr)")
        let status = try CLI.run("node", "status", "--data", office).stdout
        #expect(status.contains("notes/n-2: not_owner") && status.contains("pending  0 change(s)"), "\(status)")
        #expect(try CLI.run("records", "get", "--data", hubDir, "notes", "6500101.n-1").stdout.contains("1"))
        #expect(try CLI.run("records", "get", "--data", hubDir, "notes", "n-2").status != 0)
        // The hub's old records are as they were (protocol 1's changes stand), with the node's new ones beside them.
        #expect(try CLI.run("records", "get", "--data", hubDir, "letters", "l-1").stdout.contains("ขอเชิญประชุม"))
        #expect(digestBefore != (try CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout))
        #expect(try CLI.run("hub", "nodes", "--data", hubDir).stdout.contains("accepted_seq=5 refused=1"))

        // Serving the office copies the old application into its namespace; the citizen's code still finds it.
        let node = try ServerProcess(arguments: ["node", "serve", "--data", office, "--listen", "127.0.0.1:0"], address: #"address=https?://[^ ]+"#)
        #expect(node.output.contains("copied applications into the office's namespace"), "\(node.output)")
        let tracked = try await WebClient(base: node.url).send("GET", "/api/v1/track/\(code)")
        #expect(tracked.status == 200 && tracked.json["tracking_code"] as? String == code && tracked.json["status"] as? String == "submitted")
        // The public health check says whether the node syncs, not where its hub is or what went wrong.
        let health = try await WebClient(base: node.url).send("GET", "/health")
        #expect(health.status == 200 && health.json["enrolled"] as? Bool == true && health.json["pending"] != nil)
        #expect(health.json["hub"] == nil && health.json["last_error"] == nil && !health.text.contains("18443"), "\(health.text)")
        node.stop()
        #expect(try CLI.run("node", "sync", "--data", office).status == 0)
        let copy = try CLI.run("records", "get", "--data", hubDir, "applications", "6500101.\(code)")
        #expect(copy.status == 0 && copy.stdout.contains("building-permit"), "\(copy.stderr)")

        // A node restored from the upgraded hub accepts the old history as the hub did, and holds the same state.
        let old = try #require(try CLI.run("hub", "nodes", "--data", hubDir).stdout.split(separator: " ").first.map(String.init))
        #expect(try CLI.run("hub", "revoke", "--data", hubDir, "--node", old).status == 0)
        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101").stdout.trimmingCharacters(in: .newlines)
        let restored = root + "/restored"
        let restore = try CLI.run("node", "restore", "--data", restored, "--hub", hub.url, "--token", token, "--ca", ca)
        #expect(restore.status == 0, "\(restore.stderr)")
        let hubDigest = try CLI.run("records", "digest", "--data", hubDir, "--scope", "6500101").stdout
        #expect(try CLI.run("records", "digest", "--data", restored).stdout == hubDigest)
        #expect(try CLI.run("records", "get", "--data", restored, "letters", "l-1").stdout.contains("ขอเชิญประชุม"))
        #expect(try CLI.run("records", "get", "--data", restored, "applications", "6500101.\(code)").status == 0)
    }
}
