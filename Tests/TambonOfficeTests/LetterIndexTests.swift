import TambonCore
import TambonECMS
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import Testing

/// Search over an office's letters: Thai words found inside runs of text with no spaces (FTS5 trigram), short
/// queries by substring, date ranges, and secret letters matched by number alone for those who may not read them.
@Suite struct LetterIndexTests {
    static func send(_ book: LetterBook, subject: String, to receivers: [String], secrecy: String = "normal") async throws -> DocumentNumber {
        let draft = try LetterDraft(
            json: [
                "kind": "external", "subject": .string(subject), "salutation": "นายอำเภอ", "receivers": .array(receivers.map { .string($0) }),
                "secrecy": .string(secrecy), "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายก อบต.",
            ], sender: "5001")
        let letter = try await book.draft(draft, by: "clerk")
        try await book.approve(letter, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        return try await book.send(letter)
    }

    @Test func thaiSubjectsAreFoundInsideWordsAndSecretsStaySecret() async throws {
        let fixture = try await OfficeFixture()
        let book = LetterBook(store: fixture.store, letterCode: "ชม 7201")
        _ = try await Self.send(book, subject: "ขอเชิญประชุมคณะกรรมการพัฒนาตำบล", to: ["5002"])
        _ = try await Self.send(book, subject: "รายงานผลการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง", to: ["5003"])
        let secret = try await Self.send(book, subject: "ผลการสอบสวนข้อเท็จจริงกรณีร้องเรียน", to: ["5002"], secrecy: "secret")
        let index = try LetterIndex(store: fixture.store)
        #expect(try await index.search("ประชุม", includeRestricted: false).map(\.subject) == ["ขอเชิญประชุมคณะกรรมการพัฒนาตำบล"])
        #expect(try await index.search("ภาษีที่ดิน", includeRestricted: false).count == 1)
        #expect(try await index.search("5003", includeRestricted: false).count == 1, "by party")
        #expect(try await index.search("ขอ", includeRestricted: false).count == 1, "two characters: a substring scan")
        #expect(try await index.search("สอบสวน", includeRestricted: false).isEmpty, "a secret subject is not searched for those who may not read it")
        #expect(try await index.search("สอบสวน", includeRestricted: true).count == 1)
        let byNumber = try await index.search(secret.description, includeRestricted: false)
        #expect(byNumber.count == 1 && byNumber[0].restricted && byNumber[0].subject.isEmpty, "found by number, its subject withheld")
        let today = book.today()
        #expect(try await index.search("", from: today, to: today, includeRestricted: true).count == 3)
        #expect(try await index.search("", from: today.adding(days: 1), includeRestricted: true).isEmpty)
        #expect(try await index.search("\"; DROP TABLE letter_rows; --", includeRestricted: true).isEmpty, "the query is a phrase, never syntax")
        // A letter sent later is found at the next search.
        _ = try await Self.send(book, subject: "ขอเชิญประชุมประจำเดือน", to: ["5004"])
        #expect(try await index.search("ประชุม", includeRestricted: false).count == 2)
    }
}

/// A letter from an agency not on Tambon, as an e-CMS envelope, filed into the inbox once however often imported,
/// then received and registered like any other.
@Suite struct ExternalLetterTests {
    @Test func anEnvelopeIsFiledOnceAndReceivedLikeAnyLetter() async throws {
        let fixture = try await OfficeFixture()
        let book = LetterBook(store: fixture.store, letterCode: "ชม 7201")
        let envelope = ECMSEnvelope(
            number: "ชม 0017/ว 88", date: CivilDate(iso: "2026-12-01")!, subject: "แจ้งกำหนดการตรวจราชการ", secrecy: .normal, urgency: .urgent,
            kind: .external, salutation: "นายก อบต.", sender: .init(name: "อำเภอเมืองเชียงใหม่", jobTitle: "นายอำเภอ", organizationID: "0017"),
            receivers: [.init(name: "อบต.", organizationID: "5001")], sendDate: "2026-12-01T09:00:00+07:00",
            mainLetter: .init(name: "หนังสือ.pdf", mime: "application/pdf", bytes: Array("%PDF-1.4 x".utf8)))
        let read = try ECMSReader.read(Array(envelope.xml.utf8))
        let draft = try read.draft(for: "5001")
        func file() async throws -> String {
            try await book.importExternal(
                draft, number: read.number, date: read.date, agencyCode: read.sender.organizationID, agencyName: read.sender.name,
                main: read.mainLetter.map { ($0.name, $0.mime, $0.bytes) }, enclosures: [])
        }
        let letter = try await file()
        #expect(try await file() == letter, "imported again: the same letter")
        let inbox = try await book.inbox()
        #expect(inbox.count == 1 && inbox[0].from == "อำเภอเมืองเชียงใหม่ (0017)" && inbox[0].draft.urgency == .urgent)
        #expect(inbox[0].draft.mainDocument.map { fixture.store.attachments.has($0.sha256) } == true, "the PDF is stored by its hash")
        let stamped = try await book.receive(sender: "5001", letter: letter, by: "saraban")
        let register = try await book.registers(year: stamped.year).incoming
        #expect(register.map(\.from) == ["อำเภอเมืองเชียงใหม่"] && register.map(\.number) == ["ชม 0017/ว 88"])
        var secret = envelope
        secret.secrecy = .topSecret
        #expect(throws: ValidationErrors.self) { try ECMSReader.read(Array(secret.xml.utf8)).draft(for: "5001") }

        // A ลับ envelope: its register row is masked for a plain officer (its sender is an agency's name, not a
        // code), shown to the records officer and to the officer a minute names.
        secret.secrecy = .confidential
        secret.number = "ชม 0017/91"
        secret.subject = "ผลการตรวจสอบเรื่องร้องเรียน"
        let confidential = try ECMSReader.read(Array(secret.xml.utf8))
        let filed = try await book.importExternal(
            try confidential.draft(for: "5001"), number: confidential.number, date: confidential.date, agencyCode: "0017",
            agencyName: confidential.sender.name, main: nil, enclosures: [])
        _ = try await book.receive(sender: "5001", letter: filed, by: "saraban")
        func subjects(_ access: LetterAccess) async throws -> [String] {
            try await book.registers(year: stamped.year, access: access).incoming.map(\.subject)
        }
        let chang = LetterAccess(account: "chang", role: .officer)
        #expect(try await subjects(chang) == ["แจ้งกำหนดการตรวจราชการ", LetterBook.maskedSubject])
        #expect(try await subjects(LetterAccess(account: "saraban", role: .recordsOfficer)).last == "ผลการตรวจสอบเรื่องร้องเรียน")
        try await book.addMinute(sender: "5001", letter: filed, to: "chang", instruction: "ตรวจสอบ", due: book.today(), by: "saraban")
        #expect(try await subjects(chang).last == "ผลการตรวจสอบเรื่องร้องเรียน")
    }
}
