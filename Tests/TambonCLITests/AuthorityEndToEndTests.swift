import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import Testing

/// Issue 12's cases with real processes: a hub, two offices and a survey laptop. The hostile changes are signed
/// with the nodes' own keys by software with the rules taken out (a stolen laptop, a modified binary): the
/// in-process store opens the node's data directory with `authority = nil`; the stock `tambon node sync` then
/// carries them to the hub, which refuses them with their reason, applies nothing of them, and never blocks the
/// writer's later changes or another office's sync.
@Suite(.serialized) struct AuthorityEndToEndTests {
    let root = temporaryDirectory("tambon-authority")

    /// A node's data directory opened in this process: `tampered` without the rules, else with the command line's.
    func open(_ directory: String, tampered: Bool) throws -> Store {
        var configuration = StoreConfiguration()
        configuration.authority = tampered ? nil : ServiceCatalog.authorityRules()
        return try DataDirectory(path: directory).open(configuration: configuration)
    }

    func node(_ name: String, office: String, role: String, hub: ServerProcess, hubDir: String) throws -> String {
        let directory = root + "/" + name
        #expect(try CLI.run("node", "init", "--data", directory, "--office", office).status == 0)
        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", office, "--role", role).stdout.trimmingCharacters(in: .newlines)
        let joined = try CLI.run("node", "join", "--data", directory, "--hub", hub.url, "--token", token, "--ca", hubDir + "/hub-ca.pem")
        #expect(joined.status == 0, "\(joined.stderr)")
        return directory
    }

    func sync(_ directory: String) throws -> CLI.Result {
        let result = try CLI.run("node", "sync", "--data", directory)
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    func digest(_ directory: String, _ office: String) throws -> String {
        try CLI.run("records", "digest", "--data", directory, "--scope", office).stdout
    }

    /// A fresh hub (`tambon hub init`, `tambon hub serve`) under this test's directory, for `body`; stopped and
    /// removed afterwards.
    func withHub(_ body: (_ hubDir: String, _ hub: ServerProcess) async throws -> Void) async throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub"
        #expect(try CLI.run("hub", "init", "--data", hubDir, "--name", "ศูนย์กลาง").status == 0)
        let hub = try HubProcess(data: hubDir)
        defer { hub.stop() }
        try await body(hubDir, hub)
    }

    @Test func theFiveCasesAreRefusedAtTheHubAndOfficeBKeepsSyncing() async throws {
        try await withHub { hubDir, hub in
            let a = try node("a", office: "6500101", role: "office", hub: hub, hubDir: hubDir)
            let b = try node("b", office: "6500102", role: "office", hub: hub, hubDir: hubDir)

            // The stock CLI refuses a foreign id at once and writes nothing.
            let put = try CLI.run("records", "put", "--data", a, "users", "6500102.admin", "role=\"admin\"")
            #expect(put.status != 0 && put.stderr.contains("not_owner") && put.stderr.contains("6500102"), "\(put.stderr)")
            #expect(try CLI.run("node", "status", "--data", a).stdout.contains("own seq  0"))

            // Office A's node, with the rules taken out, signs what the stock software would not.
            let stolen = try open(a, tampered: true)
            let hash = "$2b$12$" + String(repeating: "a", count: 53)
            // 1. A hub operator forged into the hub's scope.
            try await stolen.write(
                collection: "users", record: "hub.mallory", set: ["name": "mallory", "role": "admin", "password_hash": .string(hash)], scope: ["hub"])
            // 2. Office B's predictable ids, squatted before B writes them.
            try await stolen.write(collection: "users", record: "6500102.admin", set: ["name": "admin", "role": "admin"], scope: ["6500101"])
            try await stolen.write(collection: "office_settings", record: "6500102", set: ["settings": "broken"], scope: ["6500101", "6500102"])
            // 3. A second office's scope is not enough: B's number register, shared with B.
            try await stolen.write(
                collection: "number_registers", record: "6500102.building-permit.2570", set: ["last": 999], scope: ["6500101", "6500102"])
            // 5. An application of A's that claims to be office B's in its own field.
            let book = ApplicationBook(store: stolen)
            let filed = try await book.submit(service: "building-permit", applicant: OfficeFixture.applicant, details: OfficeFixture.details)
            try await stolen.write(collection: ApplicationRecord.collection, record: filed.id, set: ["office": "6500102"])
            let afterwards = try await stolen.write(collection: "letters", record: "6500101.l-1", set: ["subject": "ประชุม"])

            let pushed = try sync(a)
            #expect(pushed.stderr.contains("refused by the hub") && pushed.stderr.contains("the hub refused 4 change(s)"), "\(pushed.stderr)")
            let status = try CLI.run("node", "status", "--data", a).stdout
            #expect(status.contains("refused  4 change(s)") && status.contains("pending  0 change(s)"), "\(status)")
            for line in [
                "users/hub.mallory: hub_only", "users/6500102.admin: not_owner", "office_settings/6500102: not_owner",
                "number_registers/6500102.building-permit.2570: not_owner",
            ] {
                #expect(status.contains(line), "node status lists \(line)")
            }
            // Nothing of them applied at the hub; the change after them went through: the chain is not wedged.
            for (collection, record) in [("users", "hub.mallory"), ("users", "6500102.admin"), ("office_settings", "6500102")] {
                #expect(try CLI.run("records", "get", "--data", hubDir, collection, record).status != 0, "\(collection)/\(record)")
            }
            #expect(try CLI.run("records", "get", "--data", hubDir, "letters", "6500101.l-1").stdout.contains("ประชุม"))
            #expect(try CLI.run("hub", "nodes", "--data", hubDir).stdout.contains("accepted_seq=\(afterwards.seq) refused=4"))
            // Node A undid its refused changes: its state is the hub's.
            #expect(try digest(a, "6500101") == digest(hubDir, "6500101"))
            #expect(try CLI.run("records", "get", "--data", a, "users", "6500102.admin").status != 0)
            // The forged operator cannot log in.
            let login = try CLI.curl(
                ["-H", "Content-Type: application/json", "-d", #"{"username":"mallory","password":"anything"}"#, hub.url + "/api/v1/session"],
                ca: hubDir + "/hub-ca.pem")
            #expect(login.status == 401)

            // Office B adds its own admin, writes, and syncs as if nothing happened, every time.
            let admin = try CLI.run(
                ["node", "user", "add", "--data", b, "--name", "admin", "--role", "admin", "--password-stdin"], input: "b admin password 1\n")
            #expect(admin.status == 0, "\(admin.stderr)")
            for round in 0..<3 {
                #expect(try CLI.run("records", "put", "--data", b, "notes", "6500102.n\(round)", "x=\(round)").status == 0)
                _ = try sync(b)
                _ = try sync(a)
            }
            #expect(try CLI.run("records", "get", "--data", hubDir, "users", "6500102.admin").stdout.contains(#""role":"admin""#))
            #expect(try digest(b, "6500102") == digest(hubDir, "6500102"))
            #expect(try CLI.run("node", "status", "--data", b).stdout.contains("refused  0 change(s)"))

            // 5. The report counts A's application under A, whatever its field says.
            let report = try CLI.curl([hub.url + "/api/v1/reports/applications?service=building-permit"], ca: hubDir + "/hub-ca.pem")
            let rows = try #require((try JSONSerialization.jsonObject(with: Data(report.body.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
            #expect(rows.map { $0["office"] as? String } == ["6500101"], "\(report.body)")
        }
    }

    @Test func aSurveyLaptopRecordsAnInspectionAndItsApprovalIsRefusedAtTheHub() async throws {
        try await withHub { hubDir, hub in
            let office = try node("office", office: "6500101", role: "office", hub: hub, hubDir: hubDir)
            let laptop = try node("laptop", office: "6500101", role: "survey", hub: hub, hubDir: hubDir)

            let desk = ApplicationBook(store: try open(office, tampered: false))
            let filed = try await desk.submit(service: "building-permit", applicant: OfficeFixture.applicant, details: OfficeFixture.details)
            try await desk.act(on: filed.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
            try await desk.act(on: filed.id, action: "assign-inspection", payload: ["assignee": "chai"], actor: "somsri", role: .officer)
            _ = try sync(office)
            _ = try sync(laptop)

            // In the field, offline: the inspection, through the survey node's own rules.
            let field = ApplicationBook(store: try open(laptop, tampered: false))
            try await field.act(
                on: filed.trackingCode, action: "record-inspection", payload: OfficeFixture.inspection, actor: "chai", role: .surveyor)
            // The stolen laptop's software, rules taken out, also approves, adds an admin and changes the settings.
            let stolen = try open(laptop, tampered: true)
            let approve: JSONValue = ["action": "approve", "actor": "chai", "role": "surveyor", "at": "0000000000000001"]
            try await stolen.write(
                collection: ApplicationRecord.collection, record: filed.id, add: [SetElement(field: "events", id: "forged", value: approve)])
            try await stolen.write(collection: "users", record: "6500101.evil", set: ["name": "evil", "role": "admin"])
            try await stolen.write(
                collection: "office_settings", record: "6500101", set: ["settings": ["building_permit": ["inspection_waived": true]]])

            let pushed = try sync(laptop)
            #expect(pushed.stderr.contains("the hub refused 3 change(s)"), "\(pushed.stderr)")
            let status = try CLI.run("node", "status", "--data", laptop).stdout
            #expect(status.contains("survey_not_allowed") && status.contains("users/6500101.evil: office_node_only"), "\(status)")
            #expect(try CLI.run("hub", "nodes", "--data", hubDir).stdout.contains("role=survey status=active"))

            // Back at the office: the inspection arrived, the forged approval did not; the office approves normally.
            _ = try sync(office)
            let inspected = try await desk.application(filed.id)
            #expect(inspected.state.status == .inspected)
            #expect(!inspected.timeline.entries.contains { $0.event.id == "forged" })
            let approved = try await desk.act(on: filed.id, action: "approve", payload: [:], actor: "somsri", role: .officer)
            #expect(approved.state.status == .approved && approved.state.number?.sequence == 1)
            _ = try sync(office)
            _ = try sync(laptop)
            #expect(try digest(laptop, "6500101") == digest(hubDir, "6500101"))
            #expect(try digest(office, "6500101") == digest(hubDir, "6500101"))
            #expect(try CLI.run("records", "get", "--data", hubDir, "users", "6500101.evil").status != 0)
        }
    }
}
