import CLibXML2
import Foundation
import Synchronization
import TambonCore
import TambonOSS

/// Reads an e-CMS letter envelope with libxml2 (Debian's libxml2-dev): parsed with no network and no entity
/// expansion, refused if it carries a DTD, validated against ``ECMSSchema`` (every error kept), and only then mapped
/// to an ``ECMSEnvelope``. A hostile envelope (from an agency's system, or a file an officer was sent) gets a clear
/// refusal and changes nothing.
public enum ECMSReader {
    /// The largest envelope read: a letter with 50 attachments of a few MB each, base64.
    public static let maximumBytes = 64 << 20

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// The compiled schema, parsed once.
    /// A compiled schema is read-only once parsed: libxml2 lets validation contexts on several threads share it.
    nonisolated(unsafe) private static let schema: OpaquePointer? = {
        _ = initialised
        let text = Array(ECMSSchema.xsd.utf8)
        return text.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard
                let context = xmlSchemaNewMemParserCtxt(
                    buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(buffer.count))
            else { return nil }
            defer { xmlSchemaFreeParserCtxt(context) }
            return xmlSchemaParse(context)
        }
    }()

    public static func read(_ bytes: [UInt8]) throws(ECMSError) -> ECMSEnvelope {
        _ = initialised
        guard !bytes.isEmpty, bytes.count <= maximumBytes else { throw ECMSError("the envelope is empty or larger than 64 MB") }
        guard let schema else { throw ECMSError("the e-CMS schema could not be compiled") }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map {
                xmlReadMemory(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self), Int32(buffer.count), "envelope.xml", "UTF-8", options)
            }
                ?? nil
        }
        guard let document = parsed else {
            throw ECMSError("not well-formed XML: \(lastError() ?? "unreadable")")
        }
        defer { xmlFreeDoc(document) }
        guard document.pointee.intSubset == nil else { throw ECMSError("an envelope may not carry a DTD (<!DOCTYPE …>)") }
        guard let validation = xmlSchemaNewValidCtxt(schema) else { throw ECMSError("the validator could not start") }
        defer { xmlSchemaFreeValidCtxt(validation) }
        let errors = ErrorList()
        let box = Unmanaged.passRetained(errors)
        defer { box.release() }
        xmlSchemaSetValidStructuredErrors(
            validation,
            { context, error in
                guard let context, let error, let message = error.pointee.message else { return }
                let list = Unmanaged<ErrorList>.fromOpaque(context).takeUnretainedValue()
                list.append("line \(error.pointee.line): " + String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines))
            }, box.toOpaque())
        guard xmlSchemaValidateDoc(validation, document) == 0 else {
            throw ECMSError("the envelope does not follow the e-CMS letter schema: " + errors.all.prefix(5).joined(separator: "; "))
        }
        guard let root = xmlDocGetRootElement(document) else { throw ECMSError("no root element") }
        return try envelope(root)
    }

    private static func lastError() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The element children of `node`, by local name, in order.
    private static func children(_ node: xmlNodePtr) -> [(String, xmlNodePtr)] {
        var result: [(String, xmlNodePtr)] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name {
                result.append((String(cString: name), current))
            }
            child = current.pointee.next
        }
        return result
    }

    private static func text(_ node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { free(content) }
        return String(cString: content)
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String {
        guard let value = xmlGetProp(node, name) else { return "" }
        defer { free(value) }
        return String(cString: value)
    }

    private static func envelope(_ root: xmlNodePtr) throws(ECMSError) -> ECMSEnvelope {
        var fields: [String: String] = [:]
        var receivers: [ECMSEnvelope.Party] = []
        var sender: ECMSEnvelope.Party?
        var references: [LetterDraft.Reference] = []
        var main: ECMSEnvelope.File?
        var attachments: [ECMSEnvelope.File] = []
        func party(_ node: xmlNodePtr) -> ECMSEnvelope.Party {
            var values: [String: String] = [:]
            for (name, child) in children(node) { values[name] = text(child) }
            return ECMSEnvelope.Party(
                name: values["Name"] ?? "", jobTitle: values["JobTitle"] ?? "", organizationID: values["OrganizationID"] ?? "",
                departmentID: values["DepartmentID"] ?? "")
        }
        func file(_ node: xmlNodePtr) throws(ECMSError) -> ECMSEnvelope.File {
            let encoded = text(node).filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: encoded) else { throw ECMSError("a file's contents are not base64") }
            return ECMSEnvelope.File(name: attribute(node, "Name"), mime: attribute(node, "MimeCode"), bytes: Array(data))
        }
        for (name, node) in children(root) {
            switch name {
            case "Sender": sender = party(node)
            case "Receiver": receivers.append(party(node))
            case "ReferenceCorrespondence":
                var values: [String: String] = [:]
                for (field, child) in children(node) { values[field] = text(child) }
                guard let date = CivilDate(iso: values["CorrespondenceDate"] ?? "") else { throw ECMSError("a reference's date is not a date") }
                references.append(LetterDraft.Reference(number: values["ID"] ?? "", date: date, subject: values["Subject"] ?? ""))
            case "MainLetter": main = try file(node)
            case "Attachment": attachments.append(try file(node))
            default: fields[name] = text(node)
            }
        }
        guard let sender, let date = CivilDate(iso: fields["CorrespondenceDate"] ?? ""),
            let secrecy = Secrecy(ecmsCode: fields["SecretCode"] ?? ""), let urgency = Urgency(ecmsCode: fields["SpeedCode"] ?? ""),
            let kind = LetterKind(rawValue: fields["LetterKind"] ?? "")
        else { throw ECMSError("a required field is missing or out of range (date, SecretCode, SpeedCode, LetterKind)") }
        return ECMSEnvelope(
            number: fields["ID"] ?? "", date: date, subject: fields["Subject"] ?? "", secrecy: secrecy, urgency: urgency, kind: kind,
            salutation: fields["Salutation"] ?? "", sender: sender, receivers: receivers, references: references,
            description: fields["Description"] ?? "", sendDate: fields["SendDate"] ?? "", mainLetter: main, attachments: attachments)
    }

    /// The validator's messages, collected from its C callback.
    final class ErrorList: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []

        func append(_ message: String) { lock.withLock { if messages.count < 20 { messages.append(message) } } }
        var all: [String] { lock.withLock { messages } }
    }
}
