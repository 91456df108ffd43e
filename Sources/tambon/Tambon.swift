import ArgumentParser
import Foundation
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync
import TambonHub
import TambonOffice

@main
struct Tambon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tambon",
        abstract: "Tambon: offline-first services for Thai local administrative organisations.",
        discussion: """
            Each office runs a node that keeps its records in SQLite with a signed change log and keeps working
            with no internet. Start with `tambon node init --data ./tambon-data --office CODE`.
            """,
        subcommands: [NodeCommand.self, RecordsCommand.self, HubCommand.self]
    )

    /// Runs the command line; failures print one line on stderr (`error: …`, with what to try next) and exit 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as ChangeRejection {
            fail(error.description)
        } catch let error as CommandFailure {
            fail(error.message)
        } catch let error as SyncFailure {
            fail(error.description)
        } catch let error as OfficeError {
            fail("\(error.english) (\(error.code))")
        } catch let error as HubError {
            fail("\(error.message) (\(error.code))")
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

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        Foundation.exit(1)
    }
}

/// A command-line failure with its one-line message.
struct CommandFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
