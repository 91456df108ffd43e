import ArgumentParser
import Foundation
import TambonCore
import TambonOffice
import TambonStore

struct NodeSettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or set the office's service settings and fee tables (replicated to the office's nodes).",
        discussion: """
            Without --set, prints the settings in force as JSON (defaults included). With --set FILE, checks the
            JSON in FILE and stores it; `tambon node serve` uses it from its next start. Fee amounts are in satang.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: ArgumentHelp("A JSON file with the new settings.", valueName: "FILE"))
    var set: String?

    func run() async throws {
        let (store, _) = try await options.openNode()
        if let set {
            guard let data = FileManager.default.contents(atPath: set) else { throw TambonError.command("cannot read \(set)") }
            let value: JSONValue
            do { value = try JSONValue(parsing: Array(data)) } catch { throw TambonError.command("\(set) is not valid JSON: \(error)") }
            try await OfficeSettings.save(value, to: store)
            print("settings saved; restart `tambon node serve` to use them")
        }
        print(try OfficeSettings.value(of: try await OfficeSettings.load(from: store)).canonicalText)
    }
}
