import Foundation
import TambonTestSupport
import Testing

/// A food certificate issued at an office node reaches the hub's national report: `tambon hub serve` and
/// `tambon node serve` as real processes, the hub's reports read over HTTPS with curl as an operator would.
@Suite(.serialized) struct ReportEndToEndTests {
    @Test func aCertificateIssuedOfflineShowsInTheNationalReportAfterSync() async throws {
        let root = temporaryDirectory("tambon-cli")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", officeDir = root + "/office"
        let ca = hubDir + "/hub-ca.pem"
        let address = #"address=https?://[^ ]+"#
        let hubArguments = ["hub", "serve", "--data", hubDir, "--listen", "127.0.0.1:\(freePort())"]

        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        let operatorAdded = try CLI.run(
            ["hub", "user", "add", "--data", hubDir, "--name", "operator", "--role", "admin", "--password-stdin"],
            input: "operator password 1\n")
        #expect(operatorAdded.status == 0, "\(operatorAdded.stderr)")
        #expect(operatorAdded.stdout.contains("the hub"))
        let notAdmin = try CLI.run(
            ["hub", "user", "add", "--data", hubDir, "--name", "clerk", "--role", "officer", "--password-stdin"], input: "clerk password 1\n")
        #expect(notAdmin.status != 0 && notAdmin.stderr.contains("admin"))
        let hubScope = try CLI.run("hub", "token", "--data", hubDir, "--office", "hub")
        #expect(hubScope.status != 0 && hubScope.stderr.contains("hub's own scope"), "no node may enrol into the hub's scope: \(hubScope.stderr)")

        #expect(try CLI.run("node", "init", "--data", officeDir, "--office", "6500101").status == 0)
        let onNode = try CLI.run(
            ["hub", "user", "add", "--data", officeDir, "--name", "operator", "--role", "admin", "--password-stdin"], input: "operator password 1\n")
        #expect(onNode.status != 0 && onNode.stderr.contains("not a hub"))
        var hub = try ServerProcess(arguments: hubArguments, address: address)
        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101").stdout.trimmingCharacters(in: .newlines)
        #expect(try CLI.run("node", "join", "--data", officeDir, "--hub", hub.url, "--token", token, "--ca", ca).status == 0)
        _ = try CLI.run(
            ["node", "user", "add", "--data", officeDir, "--name", "somsri", "--role", "officer", "--password-stdin"], input: "password of somsri\n")
        hub.stop()

        // Offline: the notification is filed, accepted, approved and its first fee paid.
        let office = try ServerProcess(arguments: ["node", "serve", "--data", officeDir, "--listen", "127.0.0.1:0"], address: address)
        defer { office.stop() }
        let citizen = WebClient(base: office.url)
        let filed = try await citizen.send(
            "POST", "/api/v1/applications",
            json: [
                "service": "food-certificate",
                "applicant": [
                    "kind": "person", "name": "นางศรี ขายดี", "national_id": "3100600445635", "phone": "0812345678", "address": "5 หมู่ 1 ต.แม่เหียะ",
                ],
                "details": [
                    "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "selling", "area_m2": 48, "in_market": false, "workers": 3,
                    "address": "99 หมู่ 2 ต.แม่เหียะ", "location": ["lat": 18.7601, "lon": 98.9402],
                ],
            ])
        #expect(filed.status == 201, "\(filed.text)")
        let id = try #require(filed.json["id"] as? String)
        let officer = WebClient(base: office.url)
        try await officer.login("somsri", "password of somsri")
        for action in ["accept", "approve"] {
            #expect(try await officer.send("POST", "/api/v1/applications/\(id)/actions", json: ["action": action]).status == 200)
        }
        let approved = try await officer.send("GET", "/api/v1/applications/\(id)")
        let year = try #require((approved.json["fees_due"] as? [[String: Any]])?.first?["year"] as? Int)
        let paid = try await officer.send(
            "POST", "/api/v1/applications/\(id)/actions", json: ["action": "record-payment", "year": year, "receipt": "12/345"])
        #expect(paid.status == 200, "\(paid.text)")
        #expect(try await officer.send("GET", "/office/applications/\(id)/certificate").text.contains("12/345"))

        // The link returns: one sync, and the national report shows it.
        hub = try ServerProcess(arguments: hubArguments, address: address)
        defer { hub.stop() }
        let synced = try CLI.run("node", "sync", "--data", officeDir)
        #expect(synced.status == 0, "\(synced.stderr)")
        let report = try CLI.curl([hub.url + "/api/v1/reports/applications?service=food-certificate"], ca: ca)
        #expect(report.status == 200)
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(report.body.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["office"] as? String == "6500101" && rows.first?["status"] as? String == "approved" && rows.first?["count"] as? Int == 1)
        #expect(rows.first?["data_as_of"] is String, "the office synced just now")
        let csv = try CLI.curl([hub.url + "/api/v1/reports/applications?format=csv"], ca: ca)
        #expect(
            csv.body.hasPrefix("office,service,status,count,overdue,median_days_to_decision,data_as_of\r\n6500101,food-certificate,approved,1,0,0,"))
        let page = try CLI.curl([hub.url + "/reports?office=6500101"], ca: ca)
        #expect(page.status == 200 && page.body.contains("<svg") && page.body.contains("6500101"))
        for text in [report.body, csv.body, page.body] {
            for personal in ["ศรี", "3100600445635", "0812345678", "แม่เหียะ"] { #expect(!text.contains(personal)) }
        }

        // The map needs an operator.
        #expect(try CLI.curl([hub.url + "/api/v1/reports/sites.geojson"], ca: ca).status == 401)
        let jar = root + "/cookies"
        let login = try CLI.curl(
            [
                "-c", jar, "-H", "Content-Type: application/json", "-d", #"{"username":"operator","password":"operator password 1"}"#,
                hub.url + "/api/v1/session",
            ], ca: ca)
        #expect(login.status == 200, "\(login.body)")
        let sites = try CLI.curl(["-b", jar, hub.url + "/api/v1/reports/sites.geojson"], ca: ca)
        #expect(sites.status == 200)
        #expect(sites.body.contains(#""coordinates":[98.9402,18.7601]"#) && sites.body.contains(#""office":"6500101""#))
        #expect(!sites.body.contains("ร้าน") && !sites.body.contains("3100600445635"))
    }
}
