import TambonCore
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
