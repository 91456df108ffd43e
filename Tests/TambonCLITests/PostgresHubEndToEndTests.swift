import Foundation
import Logging
import TambonPostgres
import TambonTestSupport
import Testing

/// The hub on PostgreSQL, run as an operator would: `hub init --database`, the hub's commands, `hub serve`, and
/// office and survey nodes syncing through it. Needs `TAMBON_TEST_POSTGRES` (scripts/test starts a server).
@Suite(.serialized) struct PostgresHubEndToEndTests {
    static var server: DatabaseSettings? {
        ProcessInfo.processInfo.environment["TAMBON_TEST_POSTGRES"].flatMap { try? DatabaseSettings(url: $0) }
    }

    @Test(.enabled(if: server != nil)) func aHubOnPostgreSQLEnrolsSyncsAndRevokesNodes() async throws {
        var quiet = Logger(label: "test.postgres")
        quiet.logLevel = .critical
        try await PostgresStore.withScratchDatabase(server: try #require(Self.server), logger: quiet) { database in
            let root = temporaryDirectory("tambon-pg-cli")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let hubDir = root + "/hub", office = root + "/office", survey = root + "/survey"

            // A password in the URL is refused before anything is made.
            var withPassword = URLComponents(string: database.url)!
            withPassword.password = "secret"
            let refused = try CLI.run("hub", "init", "--data", hubDir, "--database", withPassword.string!)
            #expect(refused.status != 0 && refused.stderr.contains("TAMBON_DATABASE_PASSWORD") && !refused.stderr.contains("secret"))
            #expect(!FileManager.default.fileExists(atPath: hubDir + "/database.url"))

            let initHub = try CLI.run("hub", "init", "--data", hubDir, "--database", database.url)
            #expect(initHub.status == 0, "\(initHub.stderr)")
            #expect(try String(contentsOfFile: hubDir + "/database.url", encoding: .utf8) == database.url + "\n")
            #expect(!FileManager.default.fileExists(atPath: hubDir + "/tambon.sqlite"))
            let again = try CLI.run("hub", "init", "--data", hubDir, "--database", database.url)
            #expect(again.status != 0)

            let hub = try HubProcess(data: hubDir)
            defer { hub.stop() }
            let ca = hubDir + "/hub-ca.pem"
            let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101").stdout.trimmingCharacters(in: .newlines)
            #expect(try CLI.run("node", "init", "--data", office, "--office", "6500101").status == 0)
            let join = try CLI.run("node", "join", "--data", office, "--hub", hub.url, "--token", token, "--ca", ca)
            #expect(join.status == 0, "\(join.stderr)")
            #expect(try CLI.run("records", "put", "--data", office, "permits", "6500101.app-1", "area=120", "status=draft").status == 0)
            let sync = try CLI.run("node", "sync", "--data", office)
            #expect(sync.status == 0 && sync.stderr.contains("pushed 1"), "\(sync.stderr)")

            let surveyToken = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101", "--role", "survey").stdout
                .trimmingCharacters(in: .newlines)
            #expect(try CLI.run("node", "init", "--data", survey, "--office", "6500101").status == 0)
            #expect(try CLI.run("node", "join", "--data", survey, "--hub", hub.url, "--token", surveyToken, "--ca", ca).status == 0)
            #expect(try CLI.run("node", "sync", "--data", survey).status == 0)
            #expect(try CLI.run("records", "get", "--data", survey, "permits", "6500101.app-1").stdout == #"{"area":120,"status":"draft"}"# + "\n")
            // Once the office has pulled the survey node's roster entry too, both hold the same state.
            #expect(try CLI.run("node", "sync", "--data", office).status == 0)
            #expect(try CLI.run("records", "digest", "--data", survey).stdout == CLI.run("records", "digest", "--data", office).stdout)

            let nodes = try CLI.run("hub", "nodes", "--data", hubDir).stdout.split(separator: "\n")
            #expect(nodes.count == 2)
            #expect(nodes.contains { $0.contains("role=office") && $0.contains("accepted_seq=1") })

            let officeID = try #require(nodes.first { $0.contains("role=office") }.map { String($0.prefix(64)) })
            #expect(try CLI.run("hub", "revoke", "--data", hubDir, "--node", officeID).status == 0)
            #expect(try CLI.run("records", "put", "--data", office, "permits", "6500101.app-2", "area=60").status == 0)
            let revoked = try CLI.run("node", "sync", "--data", office)
            #expect(revoked.status != 0 && revoked.stderr.contains("revoked"))
        }
    }
}
