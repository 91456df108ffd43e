import ArgumentParser
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

/// The account options of `node user add` and `hub user add`, and adding the account with the password read from
/// standard input (one line), never from the command line.
struct UserAddOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The user name: 2–32 lower-case letters, digits, '.', '_' or '-'.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("admin, officer, surveyor or records-officer (a hub operator: admin).", valueName: "ROLE"))
    var role: String

    @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
    var passwordStdin = false

    func validate() throws {
        guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        guard let role = ActorRole(rawValue: role), role != .citizen else {
            throw ValidationError("--role must be admin, officer, surveyor or records-officer")
        }
        guard UserDirectory.isValidName(name) else {
            throw ValidationError("invalid user name \"\(name)\": 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter")
        }
    }

    func add(to store: any HubLog) async throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw TambonError.command("no password on standard input")
        }
        let account = try await UserDirectory(store: store).add(name: name, role: ActorRole(rawValue: role)!, password: line)
        print("added \(account.role.rawValue) \(account.name) to \(account.office == Store.hubOffice ? "the hub" : "office " + account.office)")
    }
}
