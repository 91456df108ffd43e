import Foundation
import TambonCore
import TambonOSS

/// A letter as the e-CMS exchange carries it to or from an agency not on Tambon: the documented fields (ID,
/// CorrespondenceDate, Subject, SecretCode, SpeedCode, sender and receiver parties, references, description, send
/// date, the main letter and attachments as base64 with their MIME codes). ``xml`` writes it; ``init(xml:)`` reads one
/// back, validated by libxml2 against ``ECMSSchema`` first.
public struct ECMSEnvelope: Sendable, Equatable {
    public struct Party: Sendable, Equatable {
        public var name: String
        public var jobTitle: String
        /// The agency's code: an office code on Tambon.
        public var organizationID: String
        public var departmentID: String

        public init(name: String, jobTitle: String = "", organizationID: String, departmentID: String = "") {
            self.name = name
            self.jobTitle = jobTitle
            self.organizationID = organizationID
            self.departmentID = departmentID
        }
    }

    public struct File: Sendable, Equatable {
        public var name: String
        public var mime: String
        public var bytes: [UInt8]

        public init(name: String, mime: String, bytes: [UInt8]) {
            self.name = name
            self.mime = mime
            self.bytes = bytes
        }
    }

    public var number: String
    public var date: CivilDate
    public var subject: String
    public var secrecy: Secrecy
    public var urgency: Urgency
    public var kind: LetterKind
    public var salutation: String
    public var sender: Party
    public var receivers: [Party]
    public var references: [LetterDraft.Reference]
    public var description: String
    /// When it was sent: ISO 8601 with its zone, as written.
    public var sendDate: String
    public var mainLetter: File?
    public var attachments: [File]

    public init(
        number: String, date: CivilDate, subject: String, secrecy: Secrecy, urgency: Urgency, kind: LetterKind, salutation: String, sender: Party,
        receivers: [Party], references: [LetterDraft.Reference] = [], description: String = "", sendDate: String, mainLetter: File? = nil,
        attachments: [File] = []
    ) {
        self.number = number
        self.date = date
        self.subject = subject
        self.secrecy = secrecy
        self.urgency = urgency
        self.kind = kind
        self.salutation = salutation
        self.sender = sender
        self.receivers = receivers
        self.references = references
        self.description = description
        self.sendDate = sendDate
        self.mainLetter = mainLetter
        self.attachments = attachments
    }

    /// The envelope as XML (UTF-8), in the schema's element order.
    public var xml: String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<Letter xmlns="\#(ECMSSchema.namespace)">"#
        func element(_ name: String, _ value: String) { out += "<\(name)>\(Self.escaped(value))</\(name)>" }
        func party(_ name: String, _ party: Party) {
            out += "<\(name)>"
            element("Name", party.name)
            if !party.jobTitle.isEmpty { element("JobTitle", party.jobTitle) }
            element("OrganizationID", party.organizationID)
            if !party.departmentID.isEmpty { element("DepartmentID", party.departmentID) }
            out += "</\(name)>"
        }
        func file(_ name: String, _ file: File) {
            out += "<\(name) MimeCode=\"\(Self.escaped(file.mime))\" Name=\"\(Self.escaped(file.name))\">"
            out += Data(file.bytes).base64EncodedString() + "</\(name)>"
        }
        element("ID", number)
        element("CorrespondenceDate", date.iso)
        element("Subject", subject)
        element("SecretCode", secrecy.ecmsCode)
        element("SpeedCode", urgency.ecmsCode)
        element("LetterKind", kind.rawValue)
        element("Salutation", salutation)
        party("Sender", sender)
        for receiver in receivers { party("Receiver", receiver) }
        for reference in references {
            out += "<ReferenceCorrespondence>"
            element("ID", reference.number)
            element("CorrespondenceDate", reference.date.iso)
            element("Subject", reference.subject)
            out += "</ReferenceCorrespondence>"
        }
        if !description.isEmpty { element("Description", description) }
        element("SendDate", sendDate)
        if let mainLetter { file("MainLetter", mainLetter) }
        for attachment in attachments { file("Attachment", attachment) }
        return out + "</Letter>\n"
    }

    /// Text safe in an XML element or attribute; characters XML 1.0 cannot hold are dropped.
    static func escaped(_ text: String) -> String { XMLText.escaped(text) }
}

extension ECMSEnvelope {
    /// The envelope of a letter this office sent: its draft, number and date, the sender's name and unit, and the
    /// bytes of its files by SHA-256 (a file missing from `files` is left out, and named in the description).
    public init(
        draft: LetterDraft, number: DocumentNumber, date: CivilDate, senderOffice: String, senderName: String, sentAt: String,
        files: [String: [UInt8]]
    ) {
        var missing: [String] = []
        func file(_ enclosure: LetterDraft.Enclosure) -> File? {
            guard let bytes = files[enclosure.sha256] else {
                missing.append(enclosure.name)
                return nil
            }
            return File(name: enclosure.name, mime: enclosure.type, bytes: bytes)
        }
        let main = draft.mainDocument.flatMap(file)
        let attachments = draft.enclosures.compactMap(file)
        self.init(
            number: number.description, date: date, subject: draft.subject, secrecy: draft.secrecy, urgency: draft.urgency, kind: draft.kind,
            salutation: draft.salutation,
            sender: Party(name: senderName, jobTitle: draft.signatoryTitle, organizationID: senderOffice, departmentID: draft.contactUnit),
            receivers: draft.receivers.map { Party(name: $0, organizationID: $0) }, references: draft.references,
            description: missing.isEmpty ? "" : "ไฟล์ที่ยังไม่มีในเครื่อง: " + missing.joined(separator: ", "), sendDate: sentAt,
            mainLetter: main, attachments: attachments)
    }
}

extension ECMSEnvelope {
    /// The letter as a draft addressed to `receiver` (this office), its sender the envelope's: checked whole like
    /// any draft, so a top-secret envelope is refused here too. Files are attached by the caller once stored.
    public func draft(for receiver: String) throws(ValidationErrors) -> LetterDraft {
        try LetterDraft(
            json: [
                "kind": .string(kind.rawValue), "subject": .string(subject), "salutation": .string(salutation), "receivers": [.string(receiver)],
                "references": .array(
                    references.map { ["number": .string($0.number), "date": .string($0.date.iso), "subject": .string($0.subject)] }),
                "urgency": .string(urgency.rawValue), "secrecy": .string(secrecy.rawValue), "circular": false,
                "signatory_name": .string(sender.name), "signatory_title": .string(sender.jobTitle.isEmpty ? sender.name : sender.jobTitle),
                "contact_unit": .string(sender.departmentID),
            ], sender: sender.organizationID == receiver ? "external" : sender.organizationID)
    }
}
