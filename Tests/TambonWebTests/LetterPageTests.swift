import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebTestSupport
import Testing

@testable import TambonWeb

/// e-Saraban's pages: a draft refused whole (top secret with the regulation's reason), approved only by a
/// signatory, sent with the office's number; a secret letter received shows nothing of its content to a plain
/// officer or even the admin — page, register and CSV — and its reading by the records officer is recorded.
@Suite struct LetterPageTests {
    static func catalog() -> ServiceCatalog {
        var catalog = ServiceCatalog()
        catalog.letterCode = "ชม 7201"
        return catalog
    }

    static func compose(_ secrecy: String) -> [(String, String)] {
        [
            ("kind", "external"), ("subject", "ขอเชิญประชุม"), ("salutation", "นายอำเภอ"), ("receivers", "5002, 5003"), ("urgency", "urgent"),
            ("secrecy", secrecy), ("signatory_name", "นายสมหมาย ใจงาม"), ("signatory_title", "นายก อบต."), ("contact_unit", "สำนักปลัด"),
        ]
    }

    @Test func aDraftIsApprovedBySignatoryAndSentWithTheOfficesNumber() async throws {
        let fixture = try await WebFixture(catalog: Self.catalog())
        try await fixture.web.users.add(name: "mayor", role: .admin, password: "signatory password 1")
        // The agency directory as a sync left it: offered when composing, offline.
        let agency = try Agency(code: "5002", name: "องค์การบริหารส่วนตำบลสุเทพ", letterCode: "ชม 7202")
        try await fixture.store.cacheDirectory(Agency.collection, version: String(repeating: "0", count: 64), body: [.object(agency.fields)])
        try await fixture.application.test(.router) { client in
            let (officer, csrf) = try await FeePageTests().login(client)
            let form = try await client.execute(uri: "/office/letters/new", method: .get, headers: officer) { WebFixture.text($0) }
            #expect(form.contains("<datalist id=\"agencies\">") && form.contains("องค์การบริหารส่วนตำบลสุเทพ"))
            let refused = try await client.execute(
                uri: "/office/letters", method: .post, headers: officer, body: PageTests.form([("csrf", csrf)] + Self.compose("top-secret"))
            ) { ($0.status, WebFixture.text($0)) }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("ลับที่สุด") && refused.1.contains("2564"))
            #expect(try await fixture.store.records(collection: LetterRecords.letters).isEmpty)
            let location = try await client.execute(
                uri: "/office/letters", method: .post, headers: officer, body: PageTests.form([("csrf", csrf)] + Self.compose("normal"))
            ) { response in
                #expect(response.status == .seeOther)
                return response.headers[.location] ?? ""
            }
            let denied = try await client.execute(
                uri: location + "/approve", method: .post, headers: officer, body: PageTests.form([("csrf", csrf), ("typed_name", "สมหมาย")])
            ) { WebFixture.text($0) }
            #expect(denied.contains("ผู้มีอำนาจลงนาม"))
            let (mayor, mayorCSRF) = try await FeePageTests().login(client, "mayor", "signatory password 1")
            _ = try await client.execute(
                uri: location + "/approve", method: .post, headers: mayor,
                body: PageTests.form([("csrf", mayorCSRF), ("typed_name", "นายสมหมาย ใจงาม")])
            ) { $0.status }
            _ = try await client.execute(uri: location + "/send", method: .post, headers: officer, body: PageTests.form([("csrf", csrf)])) {
                $0.status
            }
            let page = try await client.execute(uri: location, method: .get, headers: officer) { WebFixture.text($0) }
            #expect(page.contains("ที่ ชม 7201/ว 1") && page.contains("รอซิงก์ไปศูนย์กลาง"), "not enrolled: the copies wait on this node")
            // Search, offline, inside Thai words.
            let found = try await client.execute(
                uri: "/office/letters?q=%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%8A%E0%B8%B8%E0%B8%A1", method: .get, headers: officer
            ) {
                WebFixture.text($0)
            }
            #expect(found.contains("ผลการค้นหา") && found.contains("ชม 7201/ว 1"))
            // A correction: the same number, a new version, the old one kept.
            let corrected = try await client.execute(
                uri: location + "/correct", method: .post, headers: officer,
                body: PageTests.form([("csrf", csrf), ("subject", "ขอเชิญประชุม (เลื่อนวัน)"), ("salutation", "นายอำเภอ"), ("note", "เลื่อนวันประชุม")])
            ) { $0.status }
            #expect(corrected == .seeOther)
            let after = try await client.execute(uri: location, method: .get, headers: officer) { WebFixture.text($0) }
            #expect(after.contains("ขอเชิญประชุม (เลื่อนวัน)") && after.contains("ที่ ชม 7201/ว 1"))
            let letterRecord = try #require(try await fixture.store.records(collection: LetterRecords.letters).first)
            #expect(letterRecord.fields["version"] == 2 && letterRecord.sets["versions"]?.count == 1)
        }
    }

    @Test func aSecretLetterShowsNothingOfItsContentToAPlainOfficer() async throws {
        let fixture = try await WebFixture(role: .office, catalog: Self.catalog())
        let hub = try #require(fixture.hub)
        try await fixture.web.users.add(name: "mayor", role: .admin, password: "signatory password 1")
        try await fixture.web.users.add(name: "saraban", role: .recordsOfficer, password: "records password 1")
        try await fixture.web.users.add(name: "chang", role: .officer, password: "engineer password 1")
        // A letter from office 5002 with its report as a PDF, as its copy and the file reach this office.
        let pdf = Array("%PDF-1.4\n% รายงานผลการสอบสวน\n".utf8) + [UInt8](repeating: 0x20, count: 500)
        let hash = try fixture.store.attachments.put(pdf)
        let json = try LetterDraft(
            json: [
                "kind": "external", "subject": "ผลการสอบสวนข้อเท็จจริง", "salutation": "นายก อบต.", "receivers": ["5001"], "secrecy": "secret",
                "signatory_name": "นายอำเภอ", "signatory_title": "นายอำเภอเมือง",
                "main_document": ["sha256": .string(hash), "name": "รายงาน.pdf", "type": "application/pdf"],
            ], sender: "5002"
        ).json
        try await hub.store.write(
            collection: LetterRecords.copies, record: "5002.LSECRET1.5001",
            set: [
                "letter": "LSECRET1", "sender": "5002", "receiver": "5001", "content": json, "number": "ชม 0017/45", "date": "2026-12-01",
                "sent_ms": 1,
            ],
            add: [
                SetElement(
                    field: AttachmentReference.field, id: hash,
                    value: ["sha256": .string(hash), "size": .number(Double(pdf.count)), "type": "application/pdf", "name": "รายงาน.pdf"])
            ],
            scope: ["5001", "5002"])
        try await hub.deliver(to: fixture.store, from: [])
        try await fixture.application.test(.router) { client in
            let (officer, csrf) = try await FeePageTests().login(client)
            let inbox = try await client.execute(uri: "/office/letters", method: .get, headers: officer) { WebFixture.text($0) }
            #expect(inbox.contains("ชม 0017/45") && !inbox.contains("ผลการสอบสวน"))
            let page = try await client.execute(uri: "/office/letters/in/5002/LSECRET1", method: .get, headers: officer) { WebFixture.text($0) }
            #expect(!page.contains("ผลการสอบสวน") && !page.contains("นายอำเภอเมือง") && page.contains("หนังสือลับ"))
            _ = try await client.execute(
                uri: "/office/letters/in/5002/LSECRET1/receive", method: .post, headers: officer, body: PageTests.form([("csrf", csrf)])
            ) { $0.status }
            let year = fixture.web.letters.today().buddhistYear
            let csv = try await client.execute(uri: "/office/letters/registers?year=\(year)&format=csv&kind=in", method: .get, headers: officer) {
                WebFixture.text($0)
            }
            #expect(csv.contains("(หนังสือลับ)") && !csv.contains("ผลการสอบสวน"))
            #expect(try await fixture.store.records(collection: LetterRecords.reads).isEmpty, "nobody read it yet")
            let (mayor, _) = try await FeePageTests().login(client, "mayor", "signatory password 1")
            let notForTheMayor = try await client.execute(uri: "/office/letters/in/5002/LSECRET1", method: .get, headers: mayor) {
                WebFixture.text($0)
            }
            #expect(!notForTheMayor.contains("ผลการสอบสวน"), "secret correspondence is the records officer's, not every admin's")
            let (keeper, keeperCSRF) = try await FeePageTests().login(client, "saraban", "records password 1")
            let read = try await client.execute(uri: "/office/letters/in/5002/LSECRET1", method: .get, headers: keeper) { WebFixture.text($0) }
            #expect(read.contains("ผลการสอบสวนข้อเท็จจริง") && read.contains("/office/letters/in/5002/LSECRET1/files/\(hash)"))
            let reads = try await fixture.store.records(collection: LetterRecords.reads)
            #expect(reads.count == 1 && reads[0].sets["reads"]?.values.first?.objectValue?["by"] == "saraban")

            // Its file: never through the attachments API (a hash known is not a right to read), only through the
            // letter, to those who may read it; each reading recorded.
            let fileURI = "/office/letters/in/5002/LSECRET1/files/\(hash)"
            for headers in [officer, keeper] {
                #expect(try await client.execute(uri: "/api/v1/attachments/\(hash)", method: .get, headers: headers) { $0.status } == .notFound)
            }
            #expect(try await client.execute(uri: fileURI, method: .get, headers: officer) { $0.status } == .notFound)
            #expect(try await client.execute(uri: fileURI, method: .get, headers: mayor) { $0.status } == .notFound)
            let bytes = try await client.execute(uri: fileURI, method: .get, headers: keeper) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/pdf")
                return Array(response.body.readableBytesView)
            }
            #expect(bytes == pdf)
            #expect(
                try await client.execute(
                    uri: "/office/letters/in/5002/LSECRET1/files/" + String(repeating: "0", count: 64), method: .get, headers: keeper
                ) { $0.status } == .notFound)
            #expect(try await fixture.store.records(collection: LetterRecords.reads).first?.sets["reads"]?.count == 2)

            // The records officer routes it to an engineer by name: the named recipient reads it, and only they.
            let routed = try await client.execute(
                uri: "/office/letters/in/5002/LSECRET1/minutes", method: .post, headers: keeper,
                body: PageTests.form([("csrf", keeperCSRF), ("to", "chang"), ("instruction", "ตรวจสอบข้อเท็จจริงตามรายงาน"), ("due", "2027-01-15")])
            ) { $0.status }
            #expect(routed == .seeOther)
            let (engineer, _) = try await FeePageTests().login(client, "chang", "engineer password 1")
            let named = try await client.execute(uri: "/office/letters/in/5002/LSECRET1", method: .get, headers: engineer) { WebFixture.text($0) }
            #expect(named.contains("ผลการสอบสวนข้อเท็จจริง") && named.contains("ตรวจสอบข้อเท็จจริงตามรายงาน"))
            #expect(try await client.execute(uri: fileURI, method: .get, headers: engineer) { $0.status } == .ok)
            let stillNot = try await client.execute(uri: "/office/letters/in/5002/LSECRET1", method: .get, headers: officer) { WebFixture.text($0) }
            #expect(!stillNot.contains("ผลการสอบสวน") && !stillNot.contains("ตรวจสอบข้อเท็จจริงตามรายงาน"), "a minute's instruction is content too")
            let readers = try await fixture.store.records(collection: LetterRecords.reads).first?.sets["reads"]?.values.compactMap {
                $0.objectValue?["by"]?.stringValue
            }
            #expect(Set(readers ?? []) == ["saraban", "chang"])
        }
    }

    @Test func theComposeFormTakesTheMainDocumentAndEnclosuresCheckedByContent() async throws {
        let fixture = try await WebFixture(catalog: Self.catalog())
        try await fixture.application.test(.router) { client in
            let (officer, csrf) = try await FeePageTests().login(client)
            let pdf = Array("%PDF-1.4\n1 0 obj\n".utf8) + [UInt8](repeating: 0x20, count: 200)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
            func post(main: (String, String, [UInt8])) async throws -> HTTPResponse.Status {
                let (type, body) = HTTPTesting.multipart(
                    [("csrf", csrf)] + Self.compose("normal"),
                    files: [("main_document", main.0, main.1, main.2), ("enclosures", "แผนที่.png", "image/png", png)])
                var headers = officer
                headers[.contentType] = type
                return try await client.execute(uri: "/office/letters", method: .post, headers: headers, body: body) { $0.status }
            }
            #expect(try await post(main: ("แผนที่.png", "image/png", png)) == .unprocessableContent, "the main document is a PDF")
            #expect(try await post(main: ("หนังสือ.exe", "application/pdf", Array("MZ not a pdf".utf8))) == .unprocessableContent)
            #expect(try await post(main: ("หนังสือ.pdf", "application/pdf", pdf)) == .seeOther)
            let letters = try await fixture.store.records(collection: LetterRecords.letters)
            let draft = try #require(letters.first?.fields["draft"]).objectValue
            #expect(letters.count == 1 && draft?["main_document"]?.objectValue?["type"] == "application/pdf")
            #expect(draft?["enclosures"]?.arrayValue?.count == 1)
            let hash = try #require(draft?["main_document"]?.objectValue?["sha256"]?.stringValue)
            #expect(fixture.store.attachments.has(hash))
        }
    }
}
