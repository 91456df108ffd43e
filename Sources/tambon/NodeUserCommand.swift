import ArgumentParser
import Foundation
import TambonOSS
import TambonOffice
import TambonStore

struct NodeUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the office's staff accounts (they work on every node of the office).",
        subcommands: [NodeUserAddCommand.self, NodeUserListCommand.self]
    )
}

struct NodeUserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a staff account; the password is read from standard input (one line), never from the command line.",
        discussion: "Example: printf '%s\\n' \"$PASSWORD\" | tambon node user add --data ./tambon-data --name somsri --role officer --password-stdin"
    )

    @OptionGroup var options: DataOptions

    @Option(help: ArgumentHelp("The user name: 2–32 lower-case letters, digits, '.', '_' or '-'.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("admin, officer or surveyor.", valueName: "ROLE"))
    var role: String

    @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
    var passwordStdin = false

    func validate() throws {
        guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        guard let role = ActorRole(rawValue: role), role != .citizen else { throw ValidationError("--role must be admin, officer or surveyor") }
        guard UserDirectory.isValidName(name) else {
            throw ValidationError("invalid user name \"\(name)\": 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter")
        }
    }

    func run() async throws {
        let (store, node) = try await options.openNode()
        guard node.office != Store.hubOffice else { throw CommandFailure("\(options.data) holds a hub: use tambon hub user add") }
        try await Self.add(to: store, name: name, role: ActorRole(rawValue: role)!)
    }

    /// Reads the password (one line of standard input) and adds the account.
    static func add(to store: Store, name: String, role: ActorRole) async throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure("no password on standard input")
        }
        let account = try await UserDirectory(store: store).add(name: name, role: role, password: line)
        print("added \(account.role.rawValue) \(account.name) to \(account.office == Store.hubOffice ? "the hub" : "office " + account.office)")
    }
}

struct NodeUserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the office's staff accounts.")

    @OptionGroup var options: DataOptions

    func run() async throws {
        let (store, _) = try await options.openNode()
        for account in try await UserDirectory(store: store).accounts() {
            print("\(account.name)\t\(account.role.rawValue)\(account.disabled ? "\tdisabled" : "")")
        }
    }
}

struct HubUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the hub's operator accounts (they log in through POST /api/v1/session to see non-public reports).",
        subcommands: [HubUserAddCommand.self]
    )
}

struct HubUserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a hub operator; the password is read from standard input (one line), never from the command line.",
        discussion: "Example: printf '%s\\n' \"$PASSWORD\" | tambon hub user add --data ./hub-data --name operator --role admin --password-stdin"
    )

    @OptionGroup var options: DataOptions

    @Option(help: ArgumentHelp("The user name: 2–32 lower-case letters, digits, '.', '_' or '-'.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("admin (the only role of a hub operator).", valueName: "ROLE"))
    var role: String

    @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
    var passwordStdin = false

    func validate() throws {
        guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        guard role == ActorRole.admin.rawValue else { throw ValidationError("--role must be admin (a hub operator)") }
        guard UserDirectory.isValidName(name) else {
            throw ValidationError("invalid user name \"\(name)\": 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter")
        }
    }

    func run() async throws {
        let (store, node) = try await options.openNode()
        guard node.office == Store.hubOffice else { throw CommandFailure("\(options.data) holds an office node, not a hub (tambon hub init)") }
        try await NodeUserAddCommand.add(to: store, name: name, role: .admin)
    }
}
