import ArgumentParser
import TambonCore
import TambonOSS
import TambonStore

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
    @OptionGroup var account: UserAddOptions

    func validate() throws {
        guard account.role == ActorRole.admin.rawValue else { throw ValidationError("--role must be admin (a hub operator)") }
    }

    func run() async throws {
        try await HubDatabase.withHub(options) { store, _ in try await account.add(to: store) }
    }
}
