import ArgumentParser
import Foundation
import TambonCore
import TambonHub
import TambonOffice
import TambonProtocol
import TambonStore
import TambonSync

@main
struct Tambon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tambon",
        abstract: "Tambon: offline-first services for Thai local administrative organisations.",
        discussion: """
            Each office runs a node that keeps its records in SQLite with a signed change log and keeps working
            with no internet. Start with `tambon node init --data ./tambon-data --office CODE`.
            """,
        subcommands: [NodeCommand.self, RecordsCommand.self, FeesCommand.self, LettersCommand.self, HubCommand.self]
    )

    /// Runs the command line; failures print one line on stderr (`error: …`, with what to try next) and exit 1.
    static func main() async {
        // Everything this program writes — databases, their logs, attachments, keys, exports — is its owner's alone.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any TambonErrorConvertible {
            fail(TambonError(error))
        } catch let error as TambonError {
            fail(error)
        } catch {
            // Help and version requests print as usual; usage errors get one line too, pointing at --help.
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data(("error: " + message + " (see --help)\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The command line's edge for errors: one line, `error: MESSAGE (code). Try: HINT`, and exit status 1.
    static func fail(_ error: TambonError) -> Never {
        // The command line's own failures need no code; everything else names it, for the logs and the docs.
        var line = "error: " + error.english + (error.code == "command_failed" ? "" : " (" + error.code.rawValue + ")")
        if let hint = error.hint { line += ". Try: " + hint }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        Foundation.exit(1)
    }
}

extension TambonError {
    /// A failure of the command line itself (its arguments, its files): one line saying what is wrong.
    static func command(_ english: String, kind: Kind = .invalid) -> TambonError {
        TambonError(kind, "command_failed", english)
    }
}
