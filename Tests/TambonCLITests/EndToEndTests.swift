import Foundation
import TambonTestSupport
import Testing

/// The building-permit path with every part a real process: `tambon hub serve`, an office node and a survey node
/// (`tambon node serve` and `tambon node sync`), driven over HTTP as a browser or a script would.
@Suite(.serialized) struct EndToEndTests {
    @Test func aPermitGoesFromTheCitizenThroughAnOfflineSiteInspectionToItsNumber() async throws {
        let root = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", officeDir = root + "/office", surveyDir = root + "/survey"
        let hubPort = freePort()
        let hubArguments = ["hub", "serve", "--data", hubDir, "--listen", "127.0.0.1:\(hubPort)"]
        let address = #"address=https?://[^ ]+"#

        // Set up: the hub, two nodes of office 6500101 enrolled, the staff accounts.
        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        var hub = try ServerProcess(arguments: hubArguments, address: address)
        for (dir, role) in [(officeDir, "office"), (surveyDir, "survey")] {
            #expect(try CLI.run("node", "init", "--data", dir, "--office", "6500101").status == 0)
            let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101", "--role", role).stdout.trimmingCharacters(in: .newlines)
            let join = try CLI.run("node", "join", "--data", dir, "--hub", hub.url, "--token", token, "--ca", hubDir + "/hub-ca.pem")
            #expect(join.status == 0, "\(join.stderr)")
        }
        for (name, role) in [("somsri", "officer"), ("chai", "surveyor")] {
            let added = try CLI.run(
                ["node", "user", "add", "--data", officeDir, "--name", name, "--role", role, "--password-stdin"], input: "password of \(name)\n")
            #expect(added.status == 0, "\(added.stderr)")
        }
        hub.stop()

        // The hub is down: a citizen applies at the office node; the officer accepts and assigns the inspection.
        let office = try ServerProcess(arguments: ["node", "serve", "--data", officeDir, "--listen", "127.0.0.1:0"], address: address)
        defer { office.stop() }
        let citizen = WebClient(base: office.url)
        let applied = try await citizen.send(
            "POST", "/api/v1/applications",
            json: [
                "service": "building-permit",
                "applicant": ["name": "นางสาวมาลี ดีใจ", "national_id": "3100600445635", "phone": "0812345678", "address": "5 หมู่ 1 ต.แม่เหียะ"],
                "details": [
                    "land_title": ["type": "chanote", "number": "4521"], "building_use": "residence", "storeys": 2, "floor_area_m2": 120,
                    "location": ["lat": 18.7605, "lon": 98.936],
                ],
            ])
        #expect(applied.status == 201, "\(applied.text)")
        let code = try #require(applied.json["tracking_code"] as? String)
        let id = try #require(applied.json["id"] as? String)
        let officer = WebClient(base: office.url)
        try await officer.login("somsri", "password of somsri")
        #expect(try await officer.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "accept"]).status == 200)
        #expect(
            try await officer.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "assign-inspection", "assignee": "chai"]).status
                == 200)

        // The hub returns; the survey laptop syncs, then goes into the field with no link at all.
        hub = try ServerProcess(arguments: hubArguments, address: address)
        let officeSync = try CLI.run("node", "sync", "--data", officeDir)
        #expect(officeSync.status == 0, "\(officeSync.stderr)")
        #expect(try CLI.run("node", "sync", "--data", surveyDir).status == 0)
        hub.stop()
        let survey = try ServerProcess(arguments: ["node", "serve", "--data", surveyDir, "--listen", "127.0.0.1:0"], address: address)
        defer { survey.stop() }
        let surveyor = WebClient(base: survey.url)
        try await surveyor.login("chai", "password of chai")
        let assigned = try await surveyor.send("GET", "/api/v1/applications")
        #expect((assigned.json["applications"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "the surveyor's inspections")
        let inspected = try await surveyor.send(
            "POST", "/api/v1/applications/\(id)/actions",
            json: [
                "action": "record-inspection",
                "inspection": ["lat": 18.76061, "lon": 98.93604, "accuracy_m": 4.5, "result": "pass", "notes": "ตรงตามแบบ"],
            ])
        #expect(inspected.status == 200, "\(inspected.text)")
        let photo = Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let uploaded = try await surveyor.send(
            "POST", "/api/v1/applications/\(id)/attachments", file: ("site.jpg", "image/jpeg", photo), fields: ["kind": "photo"])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        let photoHash = try #require(uploaded.json["sha256"] as? String)
        #expect(
            try await surveyor.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "approve"]).status == 403,
            "a surveyor does not approve")
        let officerInTheField = WebClient(base: survey.url)
        try await officerInTheField.login("somsri", "password of somsri")
        let refused = try await officerInTheField.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "approve"])
        #expect(refused.status == 403 && refused.json["error"] as? String == "survey_not_allowed", "the survey node issues no numbers")

        // Back in coverage: everything syncs; the officer sees the inspection and the photo, and approves.
        hub = try ServerProcess(arguments: hubArguments, address: address)
        defer { hub.stop() }
        #expect(try CLI.run("node", "sync", "--data", surveyDir).status == 0)
        #expect(try CLI.run("node", "sync", "--data", officeDir).status == 0)
        let seen = try await officer.send("GET", "/api/v1/applications/\(id)")
        #expect(seen.json["status"] as? String == "inspected")
        let file = try await officer.send("GET", "/api/v1/attachments/\(photoHash)")
        #expect(file.status == 200 && file.body == photo, "the photo arrived whole at the office")
        let approved = try await officer.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "approve"])
        #expect(approved.status == 200, "\(approved.text)")
        let number = try #require(approved.json["document_number"] as? String)
        #expect(number.hasPrefix("1/"))
        #expect(try await officer.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": "approve"]).status == 409, "issued once")

        // The citizen's tracking page shows it, on the office node and (after sync) on the survey node.
        let tracked = try await citizen.send("GET", "/api/v1/track/\(code)")
        #expect(tracked.json["document_number"] as? String == number && tracked.json["status"] as? String == "approved")
        #expect(!tracked.text.contains("มาลี") && !tracked.text.contains("3100600445635"))
        #expect(try await citizen.send("GET", "/track?code=\(code)").text.contains(number))
        #expect(try CLI.run("node", "sync", "--data", officeDir).status == 0)
        #expect(try CLI.run("node", "sync", "--data", surveyDir).status == 0)
        #expect(try await WebClient(base: survey.url).send("GET", "/api/v1/track/\(code)").json["document_number"] as? String == number)
        let register = try CLI.run(
            "records", "get", "--data", hubDir, "number_registers", "6500101.building-permit.\(number.split(separator: "/")[1])")
        #expect(register.stdout.contains("\"last\":1"), "one number in the register: \(register.stdout)")
    }
}
