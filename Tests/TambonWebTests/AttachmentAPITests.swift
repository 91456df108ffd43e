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

@Suite struct AttachmentAPITests {
    static func upload(_ fields: [(String, String)], file: (String, String, [UInt8]), headers extra: HTTPFields) -> (HTTPFields, ByteBuffer) {
        let (type, body) = WebFixture.multipart(fields, files: [(field: "file", name: file.0, type: file.1, bytes: file.2)])
        var headers = extra
        headers[.contentType] = type
        return (headers, body)
    }

    @Test func staffAndTheApplicantAttachFilesCheckedByContent() async throws {
        let fixture = try await WebFixture()
        let submitted = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        let pdf = Array("%PDF-1.7\n plan of the house".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        try await fixture.application.test(.router) { client in
            let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            let uri = "/api/v1/applications/\(submitted.id)/attachments"
            let (headers, body) = Self.upload([("kind", "plan")], file: ("plan.pdf", "application/pdf", pdf), headers: officer.headers())
            let hash = try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
                #expect(response.status == .created)
                let parsed = try WebFixture.object(response)
                #expect(parsed["size"] == .number(Double(pdf.count)) && parsed["name"] == "plan.pdf" && parsed["content_type"] == "application/pdf")
                return try #require(parsed["sha256"]?.stringValue)
            }
            try await client.execute(uri: "/api/v1/attachments/\(hash)", method: .get, headers: officer.headers()) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == pdf)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy] == "sandbox")
                #expect(response.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            }
            try await client.execute(uri: "/api/v1/attachments/\(hash)", method: .get) { #expect($0.status == .unauthorized, "files are for staff") }
            try await client.execute(uri: "/api/v1/attachments/\(String(repeating: "ab", count: 32))", method: .get, headers: officer.headers()) {
                #expect($0.status == .notFound)
            }
            // An executable named .pdf is refused by its content; so is a file over 20 MiB.
            let (badHeaders, badBody) = Self.upload(
                [], file: ("plan.pdf", "application/pdf", Array("MZ\u{90}\u{0}binary".utf8)), headers: officer.headers())
            try await client.execute(uri: uri, method: .post, headers: badHeaders, body: badBody) { response in
                #expect(response.status == .unprocessableContent)
                let parsed = try WebFixture.object(response)
                #expect(parsed["field"] == "file")
                #expect(
                    parsed["message"] != nil
                        && parsed["fields"]?.objectValue?["file"]?.objectValue?["message"]?.stringValue?.contains("PDF") == true)
            }
            let huge = Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: AttachmentPolicy.maximumBytes + 100_000)
            let (hugeHeaders, hugeBody) = Self.upload([], file: ("big.pdf", "application/pdf", huge), headers: officer.headers())
            try await client.execute(uri: uri, method: .post, headers: hugeHeaders, body: hugeBody) { #expect($0.status == .contentTooLarge) }
            // The applicant adds a photo with their national ID; someone else's ID is refused.
            var wrong = HTTPFields()
            wrong[HTTPField.Name("X-National-ID")!] = "3100600445635"
            let (wrongHeaders, photoBody) = Self.upload([("kind", "photo")], file: ("site.png", "image/png", png), headers: wrong)
            try await client.execute(uri: uri, method: .post, headers: wrongHeaders, body: photoBody) { #expect($0.status == .forbidden) }
            var right = HTTPFields()
            right[HTTPField.Name("X-National-ID")!] = "1234545678781"
            let (rightHeaders, _) = Self.upload([("kind", "photo")], file: ("site.png", "image/png", png), headers: right)
            try await client.execute(uri: uri, method: .post, headers: rightHeaders, body: photoBody) { #expect($0.status == .created) }
        }
        let stored = try await fixture.web.book.application(submitted.id)
        #expect(stored.attachments.count == 2)
        #expect(stored.attachments.allSatisfy { fixture.store.attachments.has($0["sha256"]?.stringValue ?? "") })
    }

    /// A record may claim any type for a file (a stolen laptop writes what it likes): the file is served as what its
    /// bytes prove, and anything unproven is a sandboxed download, never a page in the office's origin.
    @Test func aFileIsServedAsWhatItsBytesProveNeverAsTheTypeARecordClaims() async throws {
        let fixture = try await WebFixture()
        let submitted = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        let svg = Array(#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#.utf8)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
        var hashes: [String] = []
        for (bytes, claimed) in [(svg, "image/svg+xml"), (jpeg, "text/html")] {
            let hash = try fixture.store.attachments.put(bytes)
            hashes.append(hash)
            try await fixture.store.write(
                collection: ApplicationRecord.collection, record: submitted.id,
                add: [
                    SetElement(
                        field: AttachmentReference.field, id: hash,
                        value: ["sha256": .string(hash), "size": .number(Double(bytes.count)), "type": .string(claimed)])
                ])
        }
        let (svgHash, jpegHash) = (hashes[0], hashes[1])
        try await fixture.application.test(.router) { client in
            let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            try await client.execute(uri: "/api/v1/attachments/\(svgHash)", method: .get, headers: officer.headers()) { response in
                #expect(response.status == .ok && Array(buffer: response.body) == svg)
                #expect(response.headers[.contentType] == "application/octet-stream", "never image/svg+xml")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(response.headers[.contentSecurityPolicy] == "sandbox")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await client.execute(uri: "/api/v1/attachments/\(jpegHash)", method: .get, headers: officer.headers()) { response in
                #expect(response.headers[.contentType] == "image/jpeg", "what the bytes prove, not the claimed text/html")
                #expect(response.headers[.contentDisposition] == "inline; filename=\"\(jpegHash.prefix(12)).jpg\"")
                #expect(response.headers[.contentSecurityPolicy] == "sandbox")
            }
        }
    }

    @Test func citizensAttachPlansWithTheApplicationFormAndABadFileStoresNothing() async throws {
        let fixture = try await WebFixture()
        let pdf = Array("%PDF-1.7\n the plans".utf8)
        try await fixture.application.test(.router) { client in
            let (cookieHeaders, token) = try await PageTests.formToken(client)
            let fields = PageTests.goodForm + [("form_token", token)]
            let (badType, badBody) = WebFixture.multipart(
                fields, files: [(field: "plans", name: "plans.exe", type: "application/pdf", bytes: Array("MZ".utf8))])
            var headers = cookieHeaders
            headers[.contentType] = badType
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: headers, body: badBody) { response in
                #expect(response.status == .unprocessableContent)
                #expect(WebFixture.text(response).contains("plans.exe"))
            }
            #expect(try await fixture.store.records(collection: "applications").isEmpty, "nothing stored")
            let (type, body) = WebFixture.multipart(fields, files: [(field: "plans", name: "plans.pdf", type: "application/pdf", bytes: pdf)])
            headers[.contentType] = type
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: headers, body: body) { #expect($0.status == .created) }
        }
        let application = try #require(try await fixture.store.records(collection: "applications").first)
        #expect(application.sets["attachments"]?.values.first?.objectValue?["kind"] == "plan")
    }

    /// The form's files are stored first, then one transaction files the application with their references: when
    /// the second file cannot be stored, no application and no reference is left; once it can, all are there.
    @Test func aCitizensApplicationIsFiledWithAllItsFilesOrNotAtAll() async throws {
        let fixture = try await WebFixture()
        let pdf = Array("%PDF-1.7\n the plans".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(" the title deed".utf8)
        let attachments = fixture.store.attachments
        // The plans are already held (the same file sent before); a file where the store writes new files makes
        // the deed's write fail.
        try attachments.put(pdf)
        let partial = attachments.root + "/partial"
        try FileManager.default.removeItem(atPath: partial)
        #expect(FileManager.default.createFile(atPath: partial, contents: Data()))
        try await fixture.application.test(.router) { client in
            let (cookieHeaders, token) = try await PageTests.formToken(client)
            let (type, body) = WebFixture.multipart(
                PageTests.goodForm + [("form_token", token)],
                files: [
                    (field: "plans", name: "plans.pdf", type: "application/pdf", bytes: pdf),
                    (field: "documents", name: "deed.png", type: "image/png", bytes: png),
                ])
            var headers = cookieHeaders
            headers[.contentType] = type
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .internalServerError)
            }
            #expect(try await fixture.store.records(collection: "applications").isEmpty, "no application")
            #expect(try await fixture.store.attachmentReferences().isEmpty, "no reference to the plans")
            try FileManager.default.removeItem(atPath: partial)
            try await client.execute(uri: "/apply/building-permit", method: .post, headers: headers, body: body) {
                #expect($0.status == .created)
            }
        }
        let applications = try await fixture.store.records(collection: "applications")
        #expect(applications.count == 1)
        let references = try #require(applications.first?.sets["attachments"]).values.compactMap(\.objectValue)
        #expect(references.compactMap { $0["name"]?.stringValue }.sorted() == ["deed.png", "plans.pdf"])
        #expect(Set(references.compactMap { $0["kind"]?.stringValue }) == ["plan", "document"])
        #expect(references.allSatisfy { attachments.has($0["sha256"]?.stringValue ?? "") }, "both files are held")
    }
}
