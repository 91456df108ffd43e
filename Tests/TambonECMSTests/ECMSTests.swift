import Foundation
import TambonCore
import TambonOSS
import Testing

@testable import TambonECMS

/// e-CMS letter envelopes: written and read back without loss, checked by a schema validator we did not write
/// (Python's xmlschema, no libxml2 inside), and hostile envelopes refused by libxml2 before any field is used.
@Suite struct ECMSTests {
    static let envelope = ECMSEnvelope(
        number: "ชม 7201/ว 15", date: CivilDate(iso: "2026-12-02")!, subject: "ขอเชิญประชุม <คณะกรรมการ> & \"ผู้เกี่ยวข้อง\"", secrecy: .confidential,
        urgency: .veryUrgent, kind: .external, salutation: "นายอำเภอเมืองเชียงใหม่",
        sender: .init(name: "องค์การบริหารส่วนตำบลแม่เหียะ", jobTitle: "นายก อบต.", organizationID: "6500101", departmentID: "สำนักปลัด"),
        receivers: [.init(name: "อำเภอเมืองเชียงใหม่", organizationID: "5001"), .init(name: "เทศบาลนครเชียงใหม่", organizationID: "5002")],
        references: [LetterDraft.Reference(number: "ที่ ชม 0017/ว 45", date: CivilDate(iso: "2026-11-01")!, subject: "การประชุมประจำปี")],
        description: "บรรทัดแรก\nบรรทัดสอง", sendDate: "2026-12-02T10:15:30+07:00",
        mainLetter: .init(name: "หนังสือ.pdf", mime: "application/pdf", bytes: Array("%PDF-1.4 test".utf8) + [0, 255, 10]),
        attachments: [.init(name: "แผนที่.png", mime: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])])

    @Test func anEnvelopeRoundTripsWithoutLoss() throws {
        let xml = Self.envelope.xml
        #expect(try ECMSReader.read(Array(xml.utf8)) == Self.envelope)
        #expect(xml.contains("<SecretCode>002</SecretCode>") && xml.contains("<SpeedCode>003</SpeedCode>"))
        #expect(xml.contains("&lt;คณะกรรมการ&gt; &amp; &quot;ผู้เกี่ยวข้อง&quot;"))
    }

    @Test func aValidatorWeDidNotWriteAcceptsOurEnvelopesAndRefusesABrokenOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tambon-ecms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try ECMSSchema.xsd.write(to: directory.appendingPathComponent("letter.xsd"), atomically: true, encoding: .utf8)
        try Self.envelope.xml.write(to: directory.appendingPathComponent("good.xml"), atomically: true, encoding: .utf8)
        try Self.envelope.xml.replacingOccurrences(of: "<SecretCode>002</SecretCode>", with: "").write(
            to: directory.appendingPathComponent("bad.xml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import sys, xmlschema
            schema = xmlschema.XMLSchema(sys.argv[1])
            print(schema.is_valid(sys.argv[2]), schema.is_valid(sys.argv[3]))
            """,
            directory.appendingPathComponent("letter.xsd").path, directory.appendingPathComponent("good.xml").path,
            directory.appendingPathComponent("bad.xml").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 with xmlschema (scripts/test installs it)")
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "True False")
    }

    @Test func hostileEnvelopesAreRefusedBeforeAnyFieldIsUsed() {
        let good = Self.envelope.xml
        let cases: [(String, String)] = [
            ("not xml", "<Letter"),
            (
                "a DTD with an entity",
                #"<?xml version="1.0"?><!DOCTYPE Letter [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#
                    + good.drop { $0 != "<" }.dropFirst(good.firstIndex(of: "\n").map { good.distance(from: good.startIndex, to: $0) } ?? 0)
            ),
            (
                "a billion laughs",
                #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><a>&b;</a>"#
            ),
            ("another root", #"<Letter xmlns="urn:other"/>"#),
            ("a secrecy code out of range", good.replacingOccurrences(of: "<SecretCode>002</SecretCode>", with: "<SecretCode>005</SecretCode>")),
            (
                "a missing subject",
                good.replacingOccurrences(of: "<Subject>", with: "<Subjekt>").replacingOccurrences(of: "</Subject>", with: "</Subjekt>")
            ),
            (
                "a bad date",
                good.replacingOccurrences(
                    of: "<CorrespondenceDate>2026-12-02</CorrespondenceDate>", with: "<CorrespondenceDate>2026-13-02</CorrespondenceDate>")
            ),
            ("a file that is not base64", good.replacingOccurrences(of: "Name=\"แผนที่.png\">", with: "Name=\"แผนที่.png\">!!!")),
            ("an unknown MIME code", good.replacingOccurrences(of: "MimeCode=\"image/png\"", with: "MimeCode=\"text/html\"")),
        ]
        for (name, xml) in cases {
            #expect(throws: ECMSError.self, "\(name)") { try ECMSReader.read(Array(xml.utf8)) }
        }
        #expect(throws: ECMSError.self) { try ECMSReader.read([]) }
    }

    @Test func aSentLettersEnvelopeCarriesItsDraftAndTheFilesAtHand() throws {
        let pdf = Array("%PDF-1.4 main".utf8)
        let draft = try LetterDraft(
            json: [
                "kind": "order", "subject": "คำสั่งแต่งตั้งคณะทำงาน", "salutation": "ผู้เกี่ยวข้อง", "receivers": ["5002"], "urgency": "most-urgent",
                "main_document": ["sha256": .string(String(repeating: "ab", count: 32)), "name": "คำสั่ง.pdf", "type": "application/pdf"],
                "enclosures": [["sha256": .string(String(repeating: "cd", count: 32)), "name": "รายชื่อ.pdf", "type": "application/pdf"]],
                "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายก อบต.", "contact_unit": "สำนักปลัด",
            ], sender: "6500101")
        let envelope = ECMSEnvelope(
            draft: draft, number: try DocumentNumber(letterCode: "ชม 7201", sequence: 9, isCircular: false), date: CivilDate(iso: "2026-12-02")!,
            senderOffice: "6500101", senderName: "อบต.แม่เหียะ", sentAt: "2026-12-02T10:00:00+07:00", files: [String(repeating: "ab", count: 32): pdf])
        let read = try ECMSReader.read(Array(envelope.xml.utf8))
        #expect(read.number == "ชม 7201/9" && read.kind == .order && read.urgency == .mostUrgent && read.receivers.map(\.organizationID) == ["5002"])
        #expect(read.mainLetter?.bytes == pdf && read.attachments.isEmpty && read.description.contains("รายชื่อ.pdf"), "a file not at hand is named")
    }
}
