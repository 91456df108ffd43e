import ArgumentParser
import Foundation
import TambonCore
import TambonECMS
import TambonOSS
import TambonOffice
import TambonStore

/// `tambon letters …`: e-Saraban's exchange with agencies not on Tambon, as e-CMS letter envelopes (XML).
struct LettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters",
        abstract: "Exchange official letters as e-CMS envelopes (XML) with agencies not on Tambon.",
        subcommands: [LettersExportCommand.self, LettersImportCommand.self, LettersCheckCommand.self]
    )
}

struct LettersExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a sent letter as an e-CMS envelope (XML, files in base64) on standard output.")

    @OptionGroup var options: DataOptions
    @Argument(help: "The letter's id (L…), as the letter's page shows it.") var letter: String

    func run() async throws {
        let store = try options.openStore()
        guard let node = try await store.node() else { throw TambonError.command("\(options.data) is not initialised") }
        guard let record = try await store.record(collection: LetterRecords.letters, id: LetterRecords.letterID(sender: node.office, letter: letter)),
            let content = record.fields["draft"], let draft = try? LetterDraft(json: content, sender: node.office)
        else { throw TambonError.command("no letter \(letter) of office \(node.office) on this node") }
        guard record.fields["state"] == "sent", let number = record.fields["number"]?.stringValue.flatMap(DocumentNumber.init),
            let date = record.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:))
        else { throw TambonError.command("letter \(letter) has not been sent: only a numbered letter is exported") }
        var files: [String: [UInt8]] = [:]
        for enclosure in [draft.mainDocument].compactMap({ $0 }) + draft.enclosures where store.attachments.has(enclosure.sha256) {
            files[enclosure.sha256] = try store.attachments.contents(of: enclosure.sha256)
        }
        let sent = Timestamps.iso(record.fields["sent_ms"]?.integerValue ?? 0)
        let envelope = ECMSEnvelope(
            draft: draft, number: number, date: date, senderOffice: node.office, senderName: node.name, sentAt: sent, files: files)
        FileHandle.standardOutput.write(Data(envelope.xml.utf8))
    }
}

struct LettersCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate an e-CMS envelope against the letter schema and summarise it.")

    @Argument(help: "The envelope (XML).") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        let envelope = try ECMSReader.read(Array(data))
        print(
            "\(envelope.number) \(envelope.date.iso) from \(envelope.sender.organizationID) to \(envelope.receivers.map(\.organizationID).joined(separator: ",")): \(envelope.subject)"
        )
        print(
            "secrecy \(envelope.secrecy.ecmsCode), speed \(envelope.urgency.ecmsCode), \(envelope.attachments.count + (envelope.mainLetter == nil ? 0 : 1)) file(s)"
        )
    }
}

struct LettersImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "File an e-CMS envelope from an agency not on Tambon into this office's inbox (once, however often imported).")

    @OptionGroup var options: DataOptions
    @Argument(help: "The envelope (XML).") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        let envelope = try ECMSReader.read(Array(data))
        let (store, node) = try await options.openNode()
        guard envelope.receivers.contains(where: { $0.organizationID == node.office }) else {
            throw TambonError.command("the envelope is not addressed to office \(node.office)")
        }
        let draft: LetterDraft
        do { draft = try envelope.draft(for: node.office) } catch {
            throw TambonError.command(error.errors.map(\.english).joined(separator: "; "))
        }
        let letter = try await LetterBook(store: store, letterCode: nil).importExternal(
            draft, number: envelope.number, date: envelope.date, agencyCode: envelope.sender.organizationID, agencyName: envelope.sender.name,
            main: envelope.mainLetter.map { ($0.name, $0.mime, $0.bytes) }, enclosures: envelope.attachments.map { ($0.name, $0.mime, $0.bytes) })
        print("filed as \(letter) in the inbox of \(node.office); register it as received on its page")
    }
}
