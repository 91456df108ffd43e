import ArgumentParser
import Foundation
import TambonCore
import TambonHub
import TambonOSS
import TambonStore

/// `tambon hub bank add|list|remove`: the banks that may confirm payments to this hub.
struct HubBankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Manage the banks that confirm Thai QR payments to this hub.",
        discussion: """
            A bank signs each confirmation it POSTs to /v1/bank/confirmations with HMAC-SHA256 of the body under its \
            secret, sent as Tambon-Signature, and names itself in Tambon-Bank. Secrets live in DIR/banks.json (mode \
            0600); a running hub reads changes within a second.
            """,
        subcommands: [HubBankAddCommand.self, HubBankListCommand.self, HubBankRemoveCommand.self, HubBankParkedCommand.self]
    )
}

struct HubBankAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a bank, or give it a new secret.",
        discussion: """
            Without --secret-stdin a random 32-byte secret is made and printed once (hex): give it to the bank over \
            a channel you trust. With --secret-stdin the secret is read from standard input (the bank's own, at \
            least 16 bytes), so it never appears on a command line or in shell history.
            """
    )

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The bank's short name, 1–16 of a–z 0–9 - (scb, ktb, …).", valueName: "NAME")) var name: String
    @Flag(name: .customLong("secret-stdin"), help: "Read the secret from standard input instead of making one.") var secretFromStdin = false

    func run() async throws {
        guard BankRegistry.isName(name) else {
            throw TambonError.command("a bank's name is 1 to 16 of a–z, 0–9 and -, such as scb")
        }
        try await HubFiles.requireHub(options)
        let secret: [UInt8]
        if secretFromStdin {
            var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile().prefix(4_096), as: UTF8.self)
            while text.last?.isNewline == true { text.removeLast() }
            secret = Array(text.utf8)
            guard secret.count >= 16 else { throw TambonError.command("the secret on standard input must be at least 16 bytes") }
        } else {
            var generator = SystemRandomNumberGenerator()
            secret = (0..<BankRegistry.secretBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        try BankRegistry.add(name: name, secret: secret, directory: options.data, now: Int64(Date().timeIntervalSince1970 * 1_000))
        if secretFromStdin {
            print("bank \(name) added; it signs with the secret given")
        } else {
            print("bank \(name) added; its secret (shown once):")
            print(secret.map { String(format: "%02x", $0) }.joined())
        }
    }
}

struct HubBankListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the banks (never their secrets).")

    @OptionGroup var options: DataOptions

    func run() async throws {
        try await HubFiles.requireHub(options)
        let banks = try BankRegistry.read((options.data as NSString).appendingPathComponent(BankRegistry.fileName))
        if banks.isEmpty { print("no banks; add one with: tambon hub bank add --data \(options.data) --name NAME") }
        for bank in banks {
            print("\(bank.name)\tadded \(Timestamps.iso(bank.addedMillis))")
        }
    }
}

struct HubBankRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a bank: its confirmations are refused from the next second on.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The bank's name.", valueName: "NAME")) var name: String

    func run() async throws {
        try await HubFiles.requireHub(options)
        guard try BankRegistry.remove(name: name, directory: options.data) else { throw TambonError.command("no bank \(name) at this hub") }
        print("bank \(name) removed")
    }
}

extension HubFiles {
    /// Refuses a data directory that is not a hub's.
    static func requireHub(_ options: DataOptions) async throws {
        try await HubDatabase.withHub(options) { _, _ in }
    }
}

struct HubBankParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parked",
        abstract: "List confirmations whose biller ID no office has claimed (kept in the hub's scope, never dropped).",
        discussion: """
            Each moves to its office, and is matched there, when an office's settings bring that biller ID \
            (billing.tax_id and billing.biller_suffix) to the hub. A biller ID two offices claim stays here.
            """
    )

    @OptionGroup var options: DataOptions

    func run() async throws {
        let parked = try await HubDatabase.withHub(options) { store, _ in
            try await store.records(collection: BankPayment.collection, office: Store.hubOffice).filter {
                $0.fields["moved_to"] == nil || $0.fields["moved_to"] == .null
            }
        }
        if parked.isEmpty { print("no parked payments") }
        for record in parked {
            guard let payment = BankPayment(fields: record.fields) else {
                print("\(record.id)\tdamaged")
                continue
            }
            let confirmation = payment.confirmation
            print(
                "\(record.id)\tbiller \(confirmation.billerID)\tref1 \(confirmation.reference1)\t\(confirmation.amount.decimal)\t\(confirmation.paidAtText)"
            )
        }
    }
}
