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

@Suite struct FoodCertificatePageTests {
    static let goodForm: [(String, String)] = [
        ("applicant.kind", "person"), ("applicant.name", "นางศรี ขายดี"), ("applicant.national_id", "3100600445635"), ("applicant.phone", "053-123456"),
        ("applicant.address", "5 หมู่ 1 ต.แม่เหียะ"), ("details.establishment_name", "ร้านข้าวแกงป้าศรี"), ("details.place_kind", "selling"),
        ("details.area_m2", "48"), ("details.workers", "3"), ("details.address", "99 หมู่ 2 ต.แม่เหียะ"), ("details.lat", "18.7601"),
        ("details.lon", "98.9402"),
        ("step", "submit"),
    ]

    @Test func theNotificationFormRefusesWhatNeedsALicenceAndFilesTheRest() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { #expect(WebFixture.text($0).contains("/apply/food-certificate")) }
            try await client.execute(uri: "/apply/food-certificate", method: .get) { #expect($0.status == .ok) }
            let (headers, token) = try await PageTests.formToken(client)
            try await client.execute(
                uri: "/apply/food-certificate", method: .post, headers: PageTests.formHeaders, body: PageTests.form(Self.goodForm)
            ) {
                #expect($0.status == .forbidden, "no form token: refused")
            }
            for (field, value) in [("details.area_m2", "250"), ("details.in_market", "yes")] {
                var form = Self.goodForm + [("form_token", token)]
                form.append((field, value))
                if field == "details.area_m2" { form.removeAll { $0 == ("details.area_m2", "48") } }
                try await client.execute(uri: "/apply/food-certificate", method: .post, headers: headers, body: PageTests.form(form)) { response in
                    #expect(response.status == .unprocessableContent, "\(field)")
                    let html = WebFixture.text(response)
                    #expect(html.contains("ใบอนุญาต"), "the licence message is shown")
                    #expect(html.contains("ร้านข้าวแกงป้าศรี"), "the input is kept")
                }
            }
            #expect(try await fixture.store.records(collection: "applications").isEmpty, "a refused notification stores nothing")
            try await client.execute(
                uri: "/apply/food-certificate", method: .post, headers: headers, body: PageTests.form(Self.goodForm + [("form_token", token)])
            ) { response in
                #expect(response.status == .created)
                #expect(WebFixture.text(response).contains("100.00"), "the first year's fee")
            }
        }
        let filed = try #require(try await fixture.store.records(collection: "applications").first)
        #expect(filed.fields["service"] == "food-certificate" && filed.fields["applicant"]?.objectValue?["kind"] == "person")
    }

    @Test func theCertificatePrintsWithItsNumberFeeReceiptAndSignatory() async throws {
        let fixture = try await WebFixture(role: .office)
        let book = fixture.web.book
        var applicant = WebFixture.applicant.objectValue!
        applicant["kind"] = "person"
        let details: [String: JSONValue] = [
            "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "storage", "area_m2": 48.5, "in_market": false, "workers": 3,
            "address": "99 หมู่ 2 ต.แม่เหียะ", "location": ["lat": 18.7601, "lon": 98.9402],
        ]
        let filed = try await book.submit(service: "food-certificate", applicant: applicant, details: details)
        try await fixture.application.test(.router) { client in
            let staff = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            try await client.execute(uri: "/office/applications/\(filed.id)/certificate", method: .get, headers: staff.headers()) {
                #expect($0.status == .conflict, "no certificate before approval")
            }
            try await book.act(on: filed.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
            try await book.act(on: filed.id, action: "approve", payload: [:], actor: "somsri", role: .officer)
            let year = book.today().buddhistYear
            try await client.execute(uri: "/office/applications/\(filed.id)", method: .get, headers: staff.headers()) { response in
                let html = WebFixture.text(response)
                #expect(html.contains("บันทึกการชำระค่าธรรมเนียม") && html.contains("ยังไม่ชำระ") && html.contains("/certificate"))
                #expect(html.contains("ค่าธรรมเนียมรายปี") && html.contains("พิมพ์หนังสือรับรอง</a>") && !html.contains("<h2>อาคาร</h2>"))
            }
            try await client.execute(uri: "/office/applications/\(filed.id)/permit", method: .get, headers: staff.headers()) {
                #expect($0.status == .conflict, "a certificate is not printed as a permit")
            }
            try await client.execute(
                uri: "/office/applications/\(filed.id)/actions", method: .post,
                headers: {
                    var headers = PageTests.formHeaders
                    headers[.cookie] = staff.cookie
                    return headers
                }(), body: PageTests.form([("csrf", staff.csrf), ("action", "record-payment"), ("year", String(year)), ("receipt", "เล่ม 3 เลขที่ 41")])
            ) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/office/applications/\(filed.id)/certificate", method: .get, headers: staff.headers()) { response in
                #expect(response.status == .ok)
                let html = WebFixture.text(response)
                for expected in [
                    "1/\(year)", "สถานที่สะสมอาหาร", "ร้านข้าวแกงป้าศรี", "นายสมชาย ใจดี", "48.5", "3 คน", "99 หมู่ 2",
                    "100.00", "เล่ม 3 เลขที่ 41", "ใช้ได้ถึงวันที่", "ออกให้ ณ วันที่", "เจ้าพนักงานท้องถิ่น", "size:A4",
                ] {
                    #expect(html.contains(expected), "\(expected)")
                }
                #expect(html.components(separatedBy: "เจ้าพนักงานท้องถิ่น").count == 2, "no signatory set: the title line once")
            }
        }
    }
}
