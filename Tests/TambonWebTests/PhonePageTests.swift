import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebKit
import Testing

@testable import TambonWeb

/// The office's phones page: an admin gets, for a surveyor, the hub's one-time token as a QR code of the app's
/// address; nobody else may, no other account gets one, and a hub out of reach is said plainly.
@Suite struct PhonePageTests {
    struct HubDown: Error {}

    @Test func anAdminGetsASurveyorsPhoneTokenAsAQRCode() async throws {
        let store = try Store.inMemory()
        let node = try await store.initialiseNode(office: "5001", name: "อบต.แม่เหียะ")
        var web = OfficeWeb(store: store, node: node, bcryptCost: 4)
        let asked = Mutex<[String]>([])
        let reachable = Mutex(true)
        web.phoneTokens = { officer in
            asked.withLock { $0.append(officer) }
            guard reachable.withLock({ $0 }) else { throw HubDown() }
            return ("tbn1." + String(repeating: "ab", count: 24), "https://hub.example.go.th")
        }
        try await web.users.add(name: "nayok", role: .admin, password: "admin password 1")
        try await web.users.add(name: "somsri", role: .officer, password: "officer password 1")
        try await web.users.add(name: "chai", role: .surveyor, password: "surveyor password 1")
        let router = Router(context: TambonRequestContext.self)
        web.addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            let (officer, officerCSRF) = try await FeePageTests().login(client, "somsri", "officer password 1")
            #expect(try await client.execute(uri: "/office/phones", method: .get, headers: officer) { $0.status } == .forbidden)
            #expect(
                try await client.execute(
                    uri: "/office/phones", method: .post, headers: officer, body: PageTests.form([("csrf", officerCSRF), ("officer", "chai")])
                ) { $0.status } == .forbidden)
            let (admin, csrf) = try await FeePageTests().login(client, "nayok", "admin password 1")
            let list = try await client.execute(uri: "/office/phones", method: .get, headers: admin) { WebFixture.text($0) }
            #expect(list.contains("chai") && !list.contains("value=\"somsri\""), "surveyors only")
            let issued = try await client.execute(
                uri: "/office/phones", method: .post, headers: admin, body: PageTests.form([("csrf", csrf), ("officer", "chai")])
            ) { ($0.status, WebFixture.text($0)) }
            #expect(issued.0 == .ok && issued.1.contains("<svg") && issued.1.contains("QR ลงทะเบียนโทรศัพท์ของ chai"))
            #expect(issued.1.contains("https://hub.example.go.th/survey/#office=5001&amp;token=tbn1.abab"))
            let refused = try await client.execute(
                uri: "/office/phones", method: .post, headers: admin, body: PageTests.form([("csrf", csrf), ("officer", "somsri")])
            ) { $0.status }
            #expect(refused == .unprocessableContent)
            reachable.withLock { $0 = false }
            let down = try await client.execute(
                uri: "/office/phones", method: .post, headers: admin, body: PageTests.form([("csrf", csrf), ("officer", "chai")])
            ) { ($0.status, WebFixture.text($0)) }
            #expect(down.0 == .serviceUnavailable && down.1.contains("ติดต่อศูนย์กลางไม่ได้"))
            #expect(asked.withLock { $0 } == ["chai", "chai"], "the hub is asked for surveyors only, by an admin only")
        }
    }
}
