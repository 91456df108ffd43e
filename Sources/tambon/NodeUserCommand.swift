import ArgumentParser
import Foundation
import TambonCore
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
    @OptionGroup var account: UserAddOptions

    func run() async throws {
        let (store, node) = try await options.openNode()
        guard node.office != Store.hubOffice else { throw TambonError.command("\(options.data) holds a hub: use tambon hub user add") }
        try await account.add(to: store)
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
