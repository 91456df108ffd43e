import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonReports
import TambonStore
import TambonWebKit
import TambonWebTestSupport
import Testing

/// A hub's store holding applications of two offices (as their nodes' syncs left them), one office enrolled and
/// heard from today, one enrolled and silent for ten days; the hub's report web over it, without sockets.
struct HubReportFixture {
    let store: Store
    let index: ReportIndex
    let application: Application<RouterResponder<TambonRequestContext>>

    /// `steps`: the index's step size and the steps a request runs (``ReportIndex/catchUp()``), small to leave it
    /// behind the log.
    init(steps: (size: Int, request: Int)? = nil) async throws {
        let now = StoreConfiguration.systemMillis()
        store = try Store.inMemory()
        try await store.initialiseNode(office: Store.hubOffice, name: "ศูนย์กลาง")
        let day: Int64 = 86_400_000
        func event(_ action: ActionName, at millis: Int64, _ payload: [String: JSONValue] = [:]) -> SetElement {
            let value = ApplicationEvent(
                id: "\(millis)-\(action)", hlc: HLC(millis: UInt64(millis), counter: 0), action: action, actor: "t",
                role: action == "submit" ? .citizen : .officer, payload: payload)
            return SetElement(field: "events", id: value.id, value: value.value)
        }
        let applicant: JSONValue = ["name": "นายสมชาย ใจดี", "national_id": "1234545678781", "phone": "0812345678", "address": "12 หมู่ 3 ต.แม่เหียะ"]
        func filed(_ id: String, office: String, service: String, submitted: Int64, events: [SetElement]) -> LocalEdit {
            LocalEdit(
                collection: ApplicationRecord.collection, record: id,
                set: [
                    "service": .string(service), "office": .string(office), "applicant": applicant, "submitted_ms": .number(Double(submitted)),
                    "details": ["location": ["lat": 18.7605, "lon": 98.936], "address": "99 หมู่ 2 ต.แม่เหียะ"],
                ], add: [event("submit", at: submitted)] + events, scope: [office])
        }
        let s1 = now - 60 * day, s2 = now - 20 * day, s3 = now - 5 * day
        let edits = [
            filed("5001.A1", office: "5001", service: "building-permit", submitted: s1, events: [event("accept", at: s1 + day)]),
            filed(
                "5001.A2", office: "5001", service: "food-certificate", submitted: s2,
                events: [
                    event("accept", at: s2 + day), event("approve", at: s2 + 3 * day, ["number": "1/2569"]),
                ]),
            filed("5002.A3", office: "5002", service: "food-certificate", submitted: s3, events: []),
            // Filed by an older version under a bare id: no office part, left out of every report.
            filed("A4", office: "5003", service: "building-permit", submitted: s3, events: []),
        ]
        try await store.transaction { _ in edits }
        for (office, seen) in [("5001", true), ("5002", false)] {
            let node = NodeIdentity().id
            _ = try await store.peers.enrol(
                token: try await store.peers.createEnrolmentToken(office: office, role: .office), node: node, office: office, name: office)
            if seen { _ = try await store.peers.authenticate(node: node, nonce: 1, skewMillis: 0) }
        }
        index = try ReportIndex(
            store: store, stepSize: steps?.size ?? ReportIndex.refreshStep, requestSteps: steps?.request ?? ReportIndex.requestSteps)
        let web = HubReportWeb(store: store, index: index, bcryptCost: 4)
        try await web.users.add(name: "operator", role: .admin, password: "operator password 1")
        try await web.users.add(name: "viewer", role: .officer, password: "viewer password 1")
        let router = Router(context: TambonRequestContext.self)
        web.addRoutes(to: router)
        application = Application(router: router)
    }

    static let personal = ["สมชาย", "1234545678781", "0812345678", "แม่เหียะ"]
}

@Suite struct HubReportTests {
    /// A report answers from what the index holds when a request's few steps do not reach the log (after a burst the
    /// background refresh waited out), and says so in a header and on the page; once the index is up, neither.
    @Test func aReportBehindTheLogSaysSoAndAnswersAtOnce() async throws {
        // One change a step, one step a request: the fixture's four applications are not all read by one request.
        let fixture = try await HubReportFixture(steps: (size: 1, request: 1))
        let logged = try await fixture.store.readSnapshot { try $0.lastArrival() }
        #expect(try await fixture.index.arrivalsBehind() == logged)
        try await fixture.application.test(.router) { client in
            var counted = 0
            try await client.execute(uri: "/api/v1/reports/applications", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Tambon-Report-Behind")!] == "true")
                let rows = try #require(try HTTPTesting.object(response)["rows"]?.arrayValue)
                counted = rows.count
            }
            #expect(counted < 3, "one step read at most one application")
            #expect(try await fixture.index.arrivalsBehind() == logged - 1, "one request, one step of one change")
            try await client.execute(uri: "/reports", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("กำลังปรับปรุงรายงาน"))
            }
            #expect(try await fixture.index.isBehind())
            try await fixture.index.refresh()
            #expect(try await !fixture.index.isBehind())
            #expect(try await fixture.index.arrivalsBehind() == 0)
            try await client.execute(uri: "/api/v1/reports/applications", method: .get) { response in
                #expect(response.headers[HTTPField.Name("Tambon-Report-Behind")!] == nil)
                let rows = try HTTPTesting.object(response)["rows"]?.arrayValue
                #expect(rows?.count == 3)
            }
            try await client.execute(uri: "/reports", method: .get) { response in
                #expect(!String(buffer: response.body).contains("กำลังปรับปรุงรายงาน"))
            }
        }
    }

    @Test func theApplicationsReportIsPublicAndHasTheContractShape() async throws {
        let fixture = try await HubReportFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/reports/applications", method: .get) { response in
                #expect(response.status == .ok)
                let rows = try #require(try HTTPTesting.object(response)["rows"]?.arrayValue)
                #expect(rows.count == 3)
                #expect(!rows.contains { $0.objectValue?["office"] == "5003" }, "the bare-id application is left out")
                let first = try #require(rows[0].objectValue)
                #expect(Set(first.keys) == Set(ReportRow.keys))
                #expect(first["office"] == "5001" && first["service"] == "building-permit" && first["status"] == "accepted")
                #expect(first["overdue"] == 1, "accepted 59 days ago, 45-day period")
                #expect(first["data_as_of"]?.stringValue?.hasSuffix("+07:00") == true)
                #expect(rows[1].objectValue?["median_days_to_decision"] == 3)
                #expect(rows[2].objectValue?["data_as_of"] == .null, "office 5002 never synced, and the row says so")
                for secret in HubReportFixture.personal { #expect(!HTTPTesting.text(response).contains(secret)) }
            }
            try await client.execute(uri: "/api/v1/reports/applications?office=5002&service=food-certificate", method: .get) { response in
                let body = try HTTPTesting.object(response)
                #expect(body["rows"]?.arrayValue?.count == 1)
            }
            try await client.execute(uri: "/api/v1/reports/applications?format=csv&service=food-certificate", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = HTTPTesting.text(response).components(separatedBy: "\r\n")
                #expect(lines[0] == "office,service,status,count,overdue,median_days_to_decision,data_as_of")
                #expect(lines[1].hasPrefix("5001,food-certificate,approved,1,0,3,") && lines.count == 4)
            }
        }
    }

    @Test func badFiltersAreRefusedWithTheirField() async throws {
        let fixture = try await HubReportFixture()
        try await fixture.application.test(.router) { client in
            for (query, field) in [
                ("from=2026-13-01", "from"), ("service=pets", "service"), ("office=50%2701", "office"),
                ("from=2026-06-01&to=2026-01-01", "to"), ("format=xml", "format"),
            ] {
                try await client.execute(uri: "/api/v1/reports/applications?\(query)", method: .get) { response in
                    #expect(response.status == .unprocessableContent, "\(query)")
                    let body = try HTTPTesting.object(response)
                    #expect(body["field"]?.stringValue == field, "\(query)")
                }
            }
            try await client.execute(uri: "/reports?from=yesterday", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(HTTPTesting.text(response).contains("วันที่ต้องอยู่ในรูป"))
            }
        }
    }

    @Test func theSiteMapNeedsAnOperatorAndCarriesNoPersonalData() async throws {
        let fixture = try await HubReportFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/reports/sites.geojson", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/v1/session", method: .post, headers: HTTPTesting.jsonHeaders,
                body: HTTPTesting.json(["username": "operator", "password": "wrong password 1"])
            ) { #expect($0.status == .unauthorized) }
            let viewer = try await StaffSession.login(client, name: "viewer", password: "viewer password 1")
            try await client.execute(uri: "/api/v1/reports/sites.geojson", method: .get, headers: viewer.headers()) {
                #expect($0.status == .forbidden)
            }
            let operator_ = try await StaffSession.login(client, name: "operator", password: "operator password 1")
            try await client.execute(uri: "/api/v1/reports/sites.geojson?office=5001", method: .get, headers: operator_.headers()) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/geo+json")
                let body = try HTTPTesting.object(response)
                #expect(body["type"] == "FeatureCollection")
                let features = try #require(body["features"]?.arrayValue)
                #expect(features.count == 2)
                #expect(features[0].objectValue?["geometry"]?.objectValue?["coordinates"] == [98.936, 18.7605])
                for secret in HubReportFixture.personal { #expect(!HTTPTesting.text(response).contains(secret)) }
            }
        }
    }

    @Test func thePageDrawsChartsAndNamesSilentOffices() async throws {
        let fixture = try await HubReportFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/reports", method: .get) { response in
                #expect(response.status == .ok)
                let html = HTTPTesting.text(response)
                #expect(html.components(separatedBy: "<svg").count == 3, "two server-drawn charts")
                #expect(!html.contains("<script"), "no JavaScript")
                #expect(html.contains("ไม่ได้ซิงก์เกิน 7 วัน"))
                let stale = try #require(html.range(of: "ไม่ได้ซิงก์เกิน 7 วัน"))
                let rest = html[stale.upperBound...]
                let staleSection = rest[..<(rest.range(of: "</table>")?.lowerBound ?? rest.endIndex)]
                #expect(staleSection.contains("5002") && !staleSection.contains(">5001<"), "5002 is silent; 5001 synced today")
                for secret in HubReportFixture.personal { #expect(!html.contains(secret)) }
            }
            try await client.execute(uri: "/reports?office=5001", method: .get) { response in
                let html = HTTPTesting.text(response)
                #expect(html.contains("สำนักงาน 5001") && html.contains("หนังสือรับรองการแจ้งสถานที่จำหน่ายอาหาร"))
            }
        }
    }
}
