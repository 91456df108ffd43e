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
        let (store, _) = try await options.openNode()
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure("no password on standard input")
        }
        let account = try await UserDirectory(store: store).add(name: name, role: ActorRole(rawValue: role)!, password: line)
        print("added \(account.role.rawValue) \(account.name) to office \(account.office)")
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
