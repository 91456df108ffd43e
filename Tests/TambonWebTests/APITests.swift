import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebKit
import TambonWebTestSupport
import Testing

@testable import TambonWeb

@Suite struct APITests {
    @Test func aCitizenSubmitsAndTracksWithoutSeeingPersonalData() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            let code = try await client.execute(
                uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders,
                body: WebFixture.json(["service": "building-permit", "applicant": WebFixture.applicant, "details": WebFixture.details])
            ) { response in
                #expect(response.status == .created)
                let body = try WebFixture.object(response)
                #expect(body["status"] == "submitted")
                #expect(body["fees"]?.objectValue?["total"] == 26_000)
                return try #require(body["tracking_code"]?.stringValue)
            }
            try await client.execute(uri: "/api/v1/track/\(code.lowercased())", method: .get) { response in
                #expect(response.status == .ok)
                let text = WebFixture.text(response)
                #expect(text.contains("\"status\":\"submitted\""))
                for secret in ["สมชาย", "1234545678781", "0812345678", "แม่เหียะ"] { #expect(!text.contains(secret)) }
            }
            try await client.execute(uri: "/api/v1/track/ZZZZZZZZ", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func badInputIsA422WithEachFieldsMessageAndStoresNothing() async throws {
        let fixture = try await WebFixture()
        guard case .object(var details) = WebFixture.details else { return }
        details["floor_area_m2"] = 151
        let oversized = JSONValue.object(details)
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders,
                body: WebFixture.json(["service": "building-permit", "applicant": WebFixture.applicant, "details": oversized])
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try WebFixture.object(response)
                let message = body["fields"]?.objectValue?["floor_area_m2"]?.objectValue?["message"]?.stringValue ?? ""
                #expect(body["field"] == "floor_area_m2" && body["error"] == "invalid_input")
                #expect(message.contains("สถาปนิก"), "\(body)")
            }
            try await client.execute(
                uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: ByteBuffer(string: "{not json")
            ) {
                #expect($0.status == .badRequest)
            }
            // A form post from another site (text/plain or urlencoded) is not JSON and is refused.
            try await client.execute(
                uri: "/api/v1/applications", method: .post,
                body: WebFixture.json(["service": "building-permit", "applicant": WebFixture.applicant, "details": WebFixture.details])
            ) {
                #expect($0.status == .unsupportedMediaType)
            }
        }
        let changesBefore = 2  // the two accounts of the fixture
        #expect(try await fixture.store.statistics().changes == changesBefore)
    }

    @Test func aServiceTheOfficeDoesNotOfferIsA422NamingServiceNotA400() async throws {
        let fixture = try await WebFixture()
        for service in ["no-such-service", String(repeating: "x", count: 5000)] {
            let body = WebFixture.json(["service": .string(service), "applicant": WebFixture.applicant, "details": WebFixture.details])
            try await fixture.application.test(.router) { client in
                try await client.execute(uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                    let parsed = try WebFixture.object(response)
                    #expect(parsed["error"] == "invalid_input" && parsed["field"] == "service", "\(parsed)")
                    #expect((parsed["message"]?.stringValue?.count ?? 0) < 200, "the message does not echo a huge value")
                }
            }
        }
        #expect(try await fixture.store.records(collection: "applications").isEmpty, "nothing stored")
    }

    @Test(arguments: [
        ("national_id", "1234545678789"), ("floor_area_m2", "151"), ("location", "outside"), ("name", "missing"), ("land_title", "missing"),
        ("storeys", "missing"), ("phone", "12"),
    ])
    func everyKindOfBadInputIsA422NamingItsField(field: String, breakage: String) async throws {
        let fixture = try await WebFixture()
        guard case .object(var applicant) = WebFixture.applicant, case .object(var details) = WebFixture.details else { return }
        switch (field, breakage) {
        case ("national_id", _): applicant["national_id"] = .string(breakage)
        case ("floor_area_m2", _): details["floor_area_m2"] = 151
        case ("location", _): details["location"] = ["lat": 1.29, "lon": 103.85]  // Singapore
        case ("phone", _): applicant["phone"] = "12"
        case (_, "missing"): applicant[field] = nil; details[field] = nil
        default: break
        }
        let body = WebFixture.json(["service": "building-permit", "applicant": .object(applicant), "details": .object(details)])
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: body) { response in
                #expect(response.status == .unprocessableContent)
                let parsed = try WebFixture.object(response)
                #expect(parsed["error"] == "invalid_input")
                #expect(parsed["field"]?.stringValue == field, "\(parsed)")
                #expect(parsed["message"]?.stringValue?.isEmpty == false)
            }
        }
        #expect(try await fixture.store.records(collection: "applications").isEmpty, "nothing stored")
    }

    @Test func staffActWithSessionAndCSRFAndInvalidActionsAre409() async throws {
        let fixture = try await WebFixture()
        let submitted = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/applications", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/v1/session", method: .post, headers: WebFixture.jsonHeaders,
                body: WebFixture.json(["username": "somsri", "password": "wrong password"])
            ) {
                #expect($0.status == .unauthorized)
            }
            let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            let actions = "/api/v1/applications/\(submitted.id)/actions"
            var plain = officer.headers()
            plain[.contentType] = "text/plain"
            try await client.execute(uri: actions, method: .post, headers: plain, body: WebFixture.json(["action": "accept"])) {
                #expect($0.status == .unsupportedMediaType, "what a cross-site form could send is refused")
            }
            try await client.execute(uri: actions, method: .post, headers: officer.headers(), body: WebFixture.json(["action": "accept"])) {
                response in
                #expect(response.status == .ok)
                let parsed = try WebFixture.object(response)
                #expect(parsed["status"] == "accepted")
            }
            try await client.execute(uri: actions, method: .post, headers: officer.headers(), body: WebFixture.json(["action": "accept"])) {
                response in
                #expect(response.status == .conflict)
                let parsed = try WebFixture.object(response)
                #expect(parsed["message"]?.stringValue?.contains("สถานะ") == true)
            }
            try await client.execute(uri: actions, method: .post, headers: officer.headers(), body: WebFixture.json(["action": "reject"])) {
                #expect($0.status == .unprocessableContent, "a rejection needs a reason")
            }
            try await client.execute(
                uri: actions, method: .post, headers: officer.headers(),
                body: WebFixture.json(["action": "assign-inspection", "assignee": "chai"])
            ) { #expect($0.status == .ok) }
            let surveyor = try await StaffSession.login(client, name: "chai", password: "surveyor password 1")
            try await client.execute(
                uri: actions, method: .post, headers: surveyor.headers(),
                body: WebFixture.json([
                    "action": "record-inspection", "inspection": ["lat": 18.7606, "lon": 98.9361, "accuracy_m": 5, "result": "pass", "notes": "ok"],
                ])
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: actions, method: .post, headers: surveyor.headers(), body: WebFixture.json(["action": "approve"])) {
                #expect($0.status == .forbidden, "a surveyor does not approve")
            }
            try await client.execute(
                uri: actions, method: .post, headers: officer.headers(), body: WebFixture.json(["action": "approve", "number": "99/2569"])
            ) { response in
                #expect(response.status == .ok)
                let parsed = try WebFixture.object(response)
                #expect(parsed["document_number"] == "1/2569")
            }
            try await client.execute(uri: "/api/v1/applications?status=approved", method: .get, headers: officer.headers(csrf: false)) { response in
                let parsed = try WebFixture.object(response)
                #expect(parsed["applications"]?.arrayValue?.count == 1)
            }
            try await client.execute(uri: "/api/v1/session", method: .delete, headers: officer.headers()) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/applications", method: .get, headers: officer.headers(csrf: false)) {
                #expect($0.status == .unauthorized, "the session ended")
            }
        }
    }

    @Test func aSurveyNodeRecordsFieldWorkAndRefusesToIssueThePermitNumber() async throws {
        let fixture = try await WebFixture(role: .survey)
        // The office node files the application and assigns the inspection; the survey laptop receives it.
        let office = try #require(fixture.office)
        let desk = ApplicationBook(store: office)
        let submitted = try await desk.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        try await desk.act(on: submitted.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        try await desk.act(on: submitted.id, action: "assign-inspection", payload: ["assignee": "chai"], actor: "somsri", role: .officer)
        try await #require(fixture.hub).deliver(to: fixture.store, from: [office])

        // The staff page offers only what the laptop can sign: the assigned surveyor's inspection.
        let pages = StaffPages(pages: PageRenderer(web: fixture.web))
        let application = try await fixture.web.book.application(submitted.id)
        func offered(_ name: String, _ password: String, on role: NodeRole) async throws -> [String] {
            let account = try #require(try await fixture.web.users.authenticate(name: name, password: password))
            let session = await fixture.web.sessions.start(for: account)
            let actions = pages.actions(on: application, for: session, role: role, on: fixture.web.book.today()) ?? []
            return actions.compactMap { $0["action"] as? String }
        }
        #expect(try await offered("chai", "surveyor password 1", on: .survey) == ["record-inspection"])
        #expect(try await offered("somsri", "officer password 1", on: .survey) == [], "an officer is not the assigned surveyor")
        #expect(try await offered("somsri", "officer password 1", on: .office).contains("reject"), "the office node offers decisions")

        try await fixture.application.test(.router) { client in
            let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            let surveyor = try await StaffSession.login(client, name: "chai", password: "surveyor password 1")
            let actions = "/api/v1/applications/\(submitted.id)/actions"
            try await client.execute(
                uri: actions, method: .post, headers: surveyor.headers(),
                body: WebFixture.json([
                    "action": "record-inspection", "inspection": ["lat": 18.7606, "lon": 98.9361, "accuracy_m": 5, "result": "pass", "notes": ""],
                ])
            ) { response in
                #expect(response.status == .ok)
                let body = try WebFixture.object(response)
                #expect(body["status"] == "inspected")
                #expect(body["timeline"]?.arrayValue?.last?.objectValue?["role"] == "surveyor")
            }
            try await client.execute(uri: actions, method: .post, headers: officer.headers(), body: WebFixture.json(["action": "approve"])) {
                response in
                #expect(response.status == .forbidden)
                let body = try WebFixture.object(response)
                #expect(body["error"] == "survey_not_allowed")
                #expect(body["message"]?.stringValue?.contains("เครื่องหลัก") == true)
            }
        }
        #expect(try await fixture.web.book.application(submitted.id).state.status == .inspected, "not approved")
        #expect(try await fixture.store.record(collection: "number_registers", id: "5001.building-permit.2569") == nil, "no number drawn")
    }

    @Test func aCitizenWithdrawsOnlyWithTheApplicantsNationalID() async throws {
        let fixture = try await WebFixture()
        let submitted = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        try await fixture.application.test(.router) { client in
            let actions = "/api/v1/applications/\(submitted.id)/actions"
            try await client.execute(
                uri: actions, method: .post, headers: WebFixture.jsonHeaders,
                body: WebFixture.json(["action": "withdraw", "national_id": "3100600445635"])
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: actions, method: .post, headers: WebFixture.jsonHeaders, body: WebFixture.json(["action": "accept"])) {
                #expect($0.status == .unauthorized, "citizens cannot take officers' actions")
            }
            try await client.execute(
                uri: actions, method: .post, headers: WebFixture.jsonHeaders,
                body: WebFixture.json(["action": "withdraw", "national_id": "1-2345-45678-78-1"])
            ) { response in
                #expect(response.status == .ok)
                let parsed = try WebFixture.object(response)
                #expect(parsed["status"] == "withdrawn")
            }
        }
    }

    @Test func foodCertificatesAreFiledThroughTheSameEndpoint() async throws {
        let fixture = try await WebFixture(role: .office)
        let details: JSONValue = [
            "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "storage", "area_m2": 120, "in_market": false, "workers": 2,
            "address": "99 หมู่ 2", "location": ["lat": 18.7601, "lon": 98.9402],
        ]
        guard case .object(var applicant) = WebFixture.applicant, case .object(var big) = details else { return }
        applicant["kind"] = "person"
        big["area_m2"] = 250
        let good = WebFixture.json(["service": "food-certificate", "applicant": .object(applicant), "details": details])
        let tooBig = WebFixture.json(["service": "food-certificate", "applicant": .object(applicant), "details": .object(big)])
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: good) { response in
                #expect(response.status == .created)
                let parsed = try WebFixture.object(response)
                #expect(parsed["service"] == "food-certificate" && parsed["status"] == "submitted")
            }
            try await client.execute(uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: tooBig) { response in
                #expect(response.status == .unprocessableContent)
                let parsed = try WebFixture.object(response)
                #expect(parsed["field"] == "area_m2" && parsed["message"]?.stringValue?.contains("ใบอนุญาต") == true)
            }

            // Approved, then each year's fee with its receipt; every refusal changes nothing.
            let id = try #require(try await fixture.store.records(collection: "applications").first?.id)
            let staff = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            func act(_ body: JSONValue) async throws -> (HTTPResponse.Status, [String: JSONValue]) {
                try await client.execute(
                    uri: "/api/v1/applications/\(id)/actions", method: .post, headers: staff.headers(), body: WebFixture.json(body)
                ) {
                    ($0.status, try WebFixture.object($0))
                }
            }
            #expect(try await act(["action": "record-payment", "year": 2569, "receipt": "1/1"]).0 == .conflict, "nothing to pay before approval")
            #expect(try await act(["action": "accept"]).0 == .ok)
            let (approvedStatus, approved) = try await act(["action": "approve"])
            #expect(approvedStatus == .ok)
            let year = try #require(approved["fees_due"]?.arrayValue?.first?.objectValue?["year"]?.numberValue)
            let before = try await fixture.store.statistics().changes
            #expect(try await act(["action": "record-payment", "year": .number(year)]).0 == .unprocessableContent, "no receipt")
            #expect(
                try await act(["action": "record-payment", "year": .number(year + 5), "receipt": "1/1"]).0 == .unprocessableContent, "a year not due")
            #expect(try await act(["action": "revoke"]).0 == .unprocessableContent, "a revocation needs its reason")
            #expect(try await fixture.store.statistics().changes == before, "refusals store nothing")
            let (paidStatus, paid) = try await act(["action": "record-payment", "year": .number(year), "receipt": "เล่ม 1 เลขที่ 7"])
            #expect(paidStatus == .ok)
            let due = try #require(paid["fees_due"]?.arrayValue?.first?.objectValue)
            #expect(due["receipt"] == "เล่ม 1 เลขที่ 7" && due["amount"] == 10_000 && due["late"] == false)
            #expect(try await act(["action": "record-payment", "year": .number(year), "receipt": "again"]).0 == .conflict, "paid once")
            let (_, renewed) = try await act(["action": "renew", "year": .number(year + 1)])
            #expect(renewed["fees_due"]?.arrayValue?.count == 2)
            let (_, revoked) = try await act(["action": "revoke", "reason": "ไม่ผ่านสุขลักษณะ"])
            #expect(revoked["status"] == "revoked" && revoked["document_number"] != nil)
        }
    }

    @Test func feeQuotesBeforeSubmitting() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/fees/building-permit?floor_area_m2=120&storeys=2", method: .get) { response in
                let body = try WebFixture.object(response)
                #expect(body["total"] == 26_000 && body["over_limit"] == false)
            }
            try await client.execute(uri: "/api/v1/fees/building-permit?floor_area_m2=abc", method: .get) { #expect($0.status == .badRequest) }
        }
    }
}
