import TambonCore
import Testing

@testable import TambonOSS

/// e-Saraban's pure rules: document numbers, urgency and secrecy with their e-CMS codes, and a drafted letter
/// checked whole, top secret refused with the regulation's reason.
@Suite struct SarabanTests {
    static let draft: JSONValue = [
        "kind": "external", "subject": "ขอเชิญประชุมคณะกรรมการ", "salutation": "นายอำเภอเมืองเชียงใหม่", "receivers": ["6500102", "6500103"],
        "references": [["number": "ที่ มท 0808.2/ว 1234", "date": "2026-11-01", "subject": "การประชุมประจำปี"]],
        "main_document": ["sha256": .string(String(repeating: "ab", count: 32)), "name": "หนังสือ.pdf", "type": "application/pdf"],
        "enclosures": [["sha256": .string(String(repeating: "cd", count: 32)), "name": "แผนที่.png", "type": "image/png"]],
        "urgency": "very-urgent", "secrecy": "normal", "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ",
        "contact_unit": "สำนักปลัด โทร 053-123456",
    ]

    @Test func documentNumbersAreWrittenAndReadAsTheRegulationDoes() throws {
        let plain = try DocumentNumber(letterCode: "มท 0808.2", sequence: 1234, isCircular: false)
        let circular = try DocumentNumber(letterCode: "ชม 7201", sequence: 15, isCircular: true)
        #expect(plain.thaiText == "ที่ มท 0808.2/1234" && circular.thaiText == "ที่ ชม 7201/ว 15")
        #expect(DocumentNumber("ที่ มท 0808.2/1234") == plain && DocumentNumber("ชม 7201/ว 15") == circular)
        for bad in ["", "มท 0808.2/", "มท 0808.2/0", "MT 0808/12", "มท 0808.2/12a", "/12"] {
            #expect(DocumentNumber(bad) == nil, "\(bad)")
        }
        #expect(throws: FieldError.self) { try DocumentNumber(letterCode: "มท  0808", sequence: 1, isCircular: false) }
    }

    @Test func urgencyAndSecrecyKeepTheirECMSCodes() {
        for urgency in Urgency.allCases { #expect(Urgency(ecmsCode: urgency.ecmsCode) == urgency) }
        for secrecy in Secrecy.allCases { #expect(Secrecy(ecmsCode: secrecy.ecmsCode) == secrecy) }
        #expect(Secrecy.topSecret.ecmsCode == "004" && Secrecy.confidential.ecmsCode == "002" && Urgency.mostUrgent.ecmsCode == "004")
        #expect(Urgency.allCases.sorted(by: >) == [.mostUrgent, .veryUrgent, .urgent, .normal])
        #expect(!Secrecy.normal.isRestricted && Secrecy.confidential.isRestricted && Secrecy.secret.isRestricted)
    }

    @Test func aDraftIsCheckedWholeAndReadsBackFromItsRecord() throws {
        let draft = try LetterDraft(json: Self.draft, sender: "6500101")
        #expect(draft.isCircular && draft.receivers == ["6500102", "6500103"] && draft.urgency == .veryUrgent)
        #expect(try LetterDraft(json: draft.json, sender: "6500101") == draft)
        var bad = Self.draft.objectValue!
        bad["subject"] = ""
        bad["receivers"] = ["6500101"]
        bad["main_document"] = ["sha256": .string(String(repeating: "ab", count: 32)), "name": "x.png", "type": "image/png"]
        bad["urgency"] = "now"
        #expect(
            performing: { try LetterDraft(json: .object(bad), sender: "6500101") },
            throws: { ($0 as? ValidationErrors).map { Set($0.errors.map(\.field)) } == ["subject", "receivers", "main_document", "urgency"] })
    }

    @Test func aTopSecretLetterIsRefusedWithTheRegulationsReason() {
        var secret = Self.draft.objectValue!
        secret["secrecy"] = "top-secret"
        #expect(
            performing: { try LetterDraft(json: .object(secret), sender: "6500101") },
            throws: { error in
                guard let refusal = (error as? ValidationErrors)?["secrecy"] else { return false }
                return refusal.thai.contains("ลับที่สุด") && refusal.thai.contains("2564")
            })
        secret["secrecy"] = "secret"
        #expect(throws: Never.self) { try LetterDraft(json: .object(secret), sender: "6500101") }
    }

    @Test func theInboxPutsTheMostUrgentFirstThenTheEarliest() {
        let items = [
            InboxOrder.Item(id: "a", urgency: .normal, arrivedMillis: 1), InboxOrder.Item(id: "b", urgency: .mostUrgent, arrivedMillis: 9),
            InboxOrder.Item(id: "c", urgency: .urgent, arrivedMillis: 5), InboxOrder.Item(id: "d", urgency: .mostUrgent, arrivedMillis: 3),
            InboxOrder.Item(id: "e", urgency: .urgent, arrivedMillis: 5),
        ]
        #expect(InboxOrder.sorted(items).map(\.id) == ["d", "b", "c", "e", "a"])
    }

    @Test func registerCSVQuotesAndDisarmsFormulas() {
        let row = RegisterRow(
            register: 3, year: 2569, number: "ชม 7201/ว 1", date: CivilDate(iso: "2026-12-02")!, from: "6500101", to: "6500102",
            subject: "=HYPERLINK(\"x\"), ประชุม", action: "รับ", remarks: "")
        let csv = RegisterRow.csv([row])
        #expect(csv.hasSuffix("3/2569,ชม 7201/ว 1,2 ธันวาคม 2569,6500101,6500102,\"'=HYPERLINK(\"\"x\"\"), ประชุม\",รับ,\r\n"))
    }
}

/// The secrecy rule, without a store: who may read a letter marked ลับ or ลับมาก.
@Suite struct LetterAccessTests {
    @Test func onlyTheRecordsOfficerAndTheNamedReadARestrictedLetter() {
        let keeper = LetterAccess(account: "saraban", role: .recordsOfficer)
        let mayor = LetterAccess(account: "mayor", role: .admin)
        let chang = LetterAccess(account: "chang", role: .officer)
        for secrecy in [Secrecy.confidential, .secret] {
            #expect(keeper.mayRead(secrecy, named: []))
            #expect(!mayor.mayRead(secrecy, named: []) && !chang.mayRead(secrecy, named: ["chai"]))
            #expect(chang.mayRead(secrecy, named: ["chang"]), "a minute names chang")
            #expect(!LetterAccess(account: "Chang", role: .officer).mayRead(secrecy, named: ["chang"]), "names are compared exactly")
        }
        #expect(chang.mayRead(.normal, named: []) && mayor.mayRead(.normal, named: []))
        // The office's own letter: its drafter and its approver; a signatory while it awaits signature.
        #expect(chang.mayRead(own: .secret, draftedBy: "chang", approvedBy: nil, isDraft: true))
        #expect(mayor.mayRead(own: .secret, draftedBy: "chang", approvedBy: nil, isDraft: true))
        #expect(!mayor.mayRead(own: .secret, draftedBy: "chang", approvedBy: "deputy", isDraft: false))
        #expect(LetterAccess(account: "deputy", role: .admin).mayRead(own: .secret, draftedBy: "chang", approvedBy: "deputy", isDraft: false))
        #expect(!LetterAccess(account: "somsri", role: .officer).mayRead(own: .confidential, draftedBy: "chang", approvedBy: nil, isDraft: true))
    }
}
