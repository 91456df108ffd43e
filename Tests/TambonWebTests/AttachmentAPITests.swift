import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TambonCore
import TambonOSS
import TambonStore
@testable import TambonWeb

@Suite struct AttachmentAPITests {
    @Test func staffAndTheApplicantAttachFilesCheckedByContent() async throws {
        let fixture = try await WebFixture()
        let submitted = try await fixture.web.book.submit(service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        let pdf = Array("%PDF-1.7\n plan of the house".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        try await fixture.application.test(.router) { client in
            let officer = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            let base = "/api/v1/applications/\(submitted.id)/attachments"
            let hash = try await client.execute(uri: base + "?name=plan.pdf&kind=plan", method: .post, headers: officer.headers(), body: ByteBuffer(bytes: pdf)) { response in
                #expect(response.status == .created)
                let body = try WebFixture.object(response)
                let first = try #require(body["attachments"]?.arrayValue?.first?.objectValue)
                #expect(first["type"] == "application/pdf" && first["kind"] == "plan" && first["by"] == "somsri")
                return try #require(first["sha256"]?.stringValue)
            }
            try await client.execute(uri: base + "/\(hash)", method: .get, headers: officer.headers(csrf: false)) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == pdf)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await client.execute(uri: base + "/\(hash)", method: .get) { #expect($0.status == .unauthorized, "files are for staff") }
            // An executable named .pdf is refused by its content.
            try await client.execute(uri: base + "?name=plan.pdf&kind=plan", method: .post, headers: officer.headers(),
                                     body: ByteBuffer(bytes: Array("MZ\u{90}\u{0}binary".utf8))) { response in
                #expect(response.status == .unprocessableContent)
                let parsed = try WebFixture.object(response)
                #expect(parsed["fields"]?.objectValue?["file"]?.objectValue?["message"]?.stringValue?.contains("PDF") == true)
            }
            // The applicant adds a photo with their national ID; someone else's ID is refused.
            var wrong = HTTPFields()
            wrong[HTTPField.Name("X-National-ID")!] = "3100600445635"
            try await client.execute(uri: base + "?name=site.png&kind=photo", method: .post, headers: wrong, body: ByteBuffer(bytes: png)) {
                #expect($0.status == .forbidden)
            }
            var right = HTTPFields()
            right[HTTPField.Name("X-National-ID")!] = "1234545678781"
            try await client.execute(uri: base + "?name=site.png&kind=photo", method: .post, headers: right, body: ByteBuffer(bytes: png)) {
                #expect($0.status == .created)
            }
        }
        let stored = try await fixture.web.book.application(submitted.id)
        #expect(stored.attachments.count == 2)
        #expect(stored.attachments.allSatisfy { fixture.store.attachments.has($0["sha256"]?.stringValue ?? "") })
    }
}
