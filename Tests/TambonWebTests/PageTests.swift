import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebTestSupport
import Testing

@testable import TambonWeb

@Suite struct PageTests {
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "+&="))
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    static var formHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        return headers
    }

    /// A public form's cookie and token, as a browser gets them by loading a page first.
    static func formToken(_ client: some TestClientProtocol) async throws -> (headers: HTTPFields, token: String) {
        try await client.execute(uri: "/login", method: .get) { response in
            let cookie = String(try #require(response.headers[.setCookie]).split(separator: ";")[0])
            let token = String(try #require(WebFixture.text(response).firstMatch(of: /name="form_token" value="([0-9a-f]{64})"/)?.1))
            var headers = formHeaders
            headers[.cookie] = cookie
            return (headers, token)
        }
    }

    static let goodForm: [(String, String)] = [
        ("applicant.name", "นางสาวมาลี ดีใจ"), ("applicant.national_id", "3100600445635"), ("applicant.phone", "053-123456"),
        ("applicant.address", "5 หมู่ 1 ต.แม่เหียะ"), ("details.land_title_type", "ns3k"), ("details.land_title_number", "77"),
        ("details.building_use", "residence"), ("details.storeys", "1"), ("details.floor_area_m2", "90"), ("details.lat", "18.76"),
        ("details.lon", "98.93"),
        ("step", "submit"),
    ]

    @Test func theCitizenFormKeepsInputAndShowsThaiErrorsBesideTheirFields() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(WebFixture.text(response).contains("ขออนุญาตก่อสร้างอาคาร"))
            }
            let (formHeaders, token) = try await Self.formToken(client)
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: Self.formHeaders, body: Self.form(Self.goodForm)) {
                #expect($0.status == .forbidden, "a form without its token (posted from another site) is refused")
            }
            var bad = Self.goodForm + [("form_token", token)]
            bad[8] = ("details.floor_area_m2", "200")
            bad[1] = ("applicant.national_id", "3100600445630")
            let badBody = Self.form(bad)
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: formHeaders, body: badBody) { response in
                #expect(response.status == .unprocessableContent)
                let html = WebFixture.text(response)
                #expect(html.contains("สถาปนิก"), "the area error is shown")
                #expect(html.contains("เลขตรวจสอบ"), "the ID error is shown")
                #expect(html.contains("value=\"นางสาวมาลี ดีใจ\""), "the input is kept")
                #expect(html.contains("value=\"200\""))
            }
            let good = Self.form(Self.goodForm + [("form_token", token)])
            let code = try await client.execute(uri: "/apply/building-permit", method: .post, headers: formHeaders, body: good) { response in
                #expect(response.status == .created)
                let html = WebFixture.text(response)
                #expect(html.contains("รหัสติดตาม"))
                return String(try #require(html.firstMatch(of: /class="code">([A-Z0-9]{8})</)?.1))
            }
            try await client.execute(uri: "/track?code=\(code)", method: .get) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("ยื่นคำขอแล้ว รอตรวจสอบเอกสาร"))
                #expect(!html.contains("มาลี") && !html.contains("3100600445635"))
                #expect(!html.contains("nil"))
                #expect(
                    html.contains("ส่งเอกสารประกอบ") && html.contains("/api/v1/applications/\(code)/attachments"), "the applicant can send documents")
            }
            try await client.execute(
                uri: "/track/withdraw", method: .post, headers: formHeaders,
                body: Self.form([("code", code), ("national_id", "1234545678781"), ("form_token", token)])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(WebFixture.text(response).contains("ไม่ตรงกับผู้ยื่น"))
            }
            try await client.execute(
                uri: "/track/withdraw", method: .post, headers: formHeaders,
                body: Self.form([("code", code), ("national_id", "3-1006-00445-63-5"), ("form_token", token)])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/track?code=\(code)", method: .get) { response in
                #expect(WebFixture.text(response).contains("ผู้ยื่นถอนคำขอ"))
            }
        }
    }

    @Test func scriptsTypedByACitizenAreEscaped() async throws {
        let fixture = try await WebFixture()
        var form = Self.goodForm
        form[0] = ("applicant.name", "<script>alert(1)</script>")
        form[8] = ("details.floor_area_m2", "999")
        let fields = form
        try await fixture.application.test(.router) { client in
            let (headers, token) = try await Self.formToken(client)
            let body = Self.form(fields + [("form_token", token)])
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: headers, body: body) { response in
                let html = WebFixture.text(response)
                #expect(!html.contains("<script>alert"))
                #expect(html.contains("&lt;script&gt;"))
            }
        }
    }

    @Test func officersLogInWorkTheQueueAndPrintThePermit() async throws {
        let fixture = try await WebFixture()
        let application = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/office", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/login")
            }
            let (loginHeaders, token) = try await Self.formToken(client)
            try await client.execute(
                uri: "/login", method: .post, headers: loginHeaders,
                body: Self.form([("name", "somsri"), ("password", "nope nope nope"), ("form_token", token)])
            ) {
                #expect($0.status == .unauthorized)
            }
            // A login form is a few fields: a larger body is refused before anything else is done with it.
            try await client.execute(
                uri: "/login", method: .post, headers: loginHeaders,
                body: Self.form([("name", "somsri"), ("password", String(repeating: "x", count: 70_000)), ("form_token", token)])
            ) {
                #expect($0.status == .contentTooLarge)
            }
            let cookie = try await client.execute(
                uri: "/login", method: .post, headers: loginHeaders,
                body: Self.form([("name", "somsri"), ("password", "officer password 1"), ("form_token", token)])
            ) { response in
                #expect(response.status == .seeOther)
                return String(try #require(response.headers[.setCookie]).split(separator: ";")[0])
            }
            var headers = Self.formHeaders
            headers[.cookie] = cookie
            let csrf = try await client.execute(uri: "/office", method: .get, headers: headers) { response in
                let html = WebFixture.text(response)
                #expect(html.contains(application.id))
                #expect(html.contains("ยังไม่ได้เชื่อมต่อศูนย์กลาง"), "the sync state is on every staff page")
                return String(try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            }
            let page = "/office/applications/\(application.id)"
            try await client.execute(uri: page, method: .get, headers: headers) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("ลำดับเหตุการณ์") && !html.contains("nil"), "absent values render as nothing, not as nil")
                #expect(!html.contains("citizen ()"), "no empty reason after the actor")
            }
            try await client.execute(uri: page + "/actions", method: .post, headers: headers, body: Self.form([("action", "accept")])) {
                #expect($0.status == .forbidden, "a form without the CSRF token is refused")
            }
            try await client.execute(
                uri: page + "/actions", method: .post, headers: headers,
                body: Self.form([("csrf", String(repeating: "0", count: 64)), ("action", "accept")])
            ) {
                #expect($0.status == .forbidden, "a forged CSRF token is refused")
            }
            #expect(try await fixture.web.book.application(application.id).state.status == .submitted, "nothing happened")
            for fields in [
                [("action", "accept")], [("action", "assign-inspection"), ("assignee", "chai")],
                [("action", "record-inspection"), ("lat", "18.7606"), ("lon", "98.9361"), ("accuracy_m", "4"), ("result", "pass"), ("notes", "")],
                [("action", "approve")],
            ] {
                try await client.execute(uri: page + "/actions", method: .post, headers: headers, body: Self.form([("csrf", csrf)] + fields)) {
                    response in
                    #expect(response.status == .seeOther, "\(fields[0].1): \(WebFixture.text(response).prefix(300))")
                }
            }
            try await client.execute(uri: page, method: .get, headers: headers) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("อนุญาตแล้ว") && html.contains("1/2569"))
                #expect(html.contains("1-2345-45678-78-1"), "staff see the applicant")
                #expect(html.contains("<h2>อาคาร</h2>") && html.contains("เอกสารสิทธิ์"), "the permit's own panel")
                #expect(html.contains("/\(application.id)/permit\">พิมพ์ใบอนุญาต</a>"), "its print link")
                #expect(!html.contains("ค่าธรรมเนียมรายปี"), "no other service's panel")
            }
            try await client.execute(
                uri: page + "/actions", method: .post, headers: headers, body: Self.form([("csrf", csrf), ("action", "reject"), ("reason", "x")])
            ) { response in
                #expect(response.status == .conflict)
                #expect(WebFixture.text(response).contains("สิ้นสุดแล้ว"))
            }
            try await client.execute(uri: page + "/permit", method: .get, headers: headers) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("แบบ อ.1") && html.contains("เลขที่ 1/2569") && html.contains("@page{size:A4"))
                #expect(html.contains("2569") && html.contains("2570"), "issued and valid-until dates in Buddhist Era")
            }
        }
    }
}

/// What the hub refused, and which node wrote what, on the staff pages.
@Suite struct RefusalPageTests {
    @Test func theStaffSeeRefusedChangesAndWhichNodeWroteEachEvent() async throws {
        let fixture = try await WebFixture(role: .office)
        let book = fixture.web.book
        let filed = try await book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        let accepted = try await book.act(on: filed.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        try await fixture.application.test(.router) { client in
            let staff = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            try await client.execute(uri: "/office", method: .get, headers: staff.headers()) { response in
                #expect(!WebFixture.text(response).contains("class=\"refused\""), "nothing refused yet")
            }
            // The hub refused the acceptance (as it would a change this node was no longer allowed to make).
            let seq = try #require(try await fixture.store.node()).lastSeq
            try await fixture.store.markRefused([(seq: seq, refusal: AuthorityRefusal(.officeNodeOnly, "refused for the test"))])
            try await client.execute(uri: "/office", method: .get, headers: staff.headers()) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("ศูนย์กลางไม่รับข้อมูลบางรายการ") && html.contains("#\(seq) applications/\(accepted.id)"))
                #expect(html.contains("office_node_only") && html.contains("เครื่องหลักของสำนักงาน"))
            }
            try await client.execute(uri: "/office/applications/\(filed.id)", method: .get, headers: staff.headers()) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("ศูนย์กลางไม่รับการแก้ไขคำขอนี้") && html.contains("#\(seq) —"))
                // The submission stands, written by this office node, named from the roster; the acceptance is undone.
                #expect(html.contains("[อบต.แม่เหียะ (เครื่องหลัก)]"), "\(html)")
                #expect(!html.contains("รับคำขอ</li>") || html.components(separatedBy: "<li").count == 2)
            }
            #expect(try await book.application(filed.id).state.status == .submitted)
        }
    }
}
