import ArgumentParser
import Foundation
import TambonCore
import TambonOSS
import TambonStore

/// `tambon hub agency add|import|list`: the agency directory every node fetches for composing letters.
struct HubAgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Keep the agency directory (office codes, names, letter codes, parents) that every node fetches.",
        subcommands: [HubAgencyAddCommand.self, HubAgencyImportCommand.self, HubAgencyListCommand.self]
    )
}

struct HubAgencyAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an agency, or change one.")

    @OptionGroup var options: DataOptions
    @Option(help: "The agency's office code.") var code: String
    @Option(help: "Its name.") var name: String
    @Option(name: .customLong("letter-code"), help: ArgumentHelp("Its letter code, such as \"มท 0808.2\".", valueName: "CODE")) var letterCode:
        String?
    @Option(help: ArgumentHelp("The office code of the unit above it.", valueName: "CODE")) var parent: String?

    func run() async throws {
        let agency: Agency
        do { agency = try Agency(code: code, name: name, letterCode: letterCode, parent: parent) } catch {
            throw TambonError.command(error.errors.map(\.english).joined(separator: "; "))
        }
        try await HubAgencyImportCommand.write([agency], options: options)
        print("agency \(agency.code) saved; nodes fetch it at their next sync")
    }
}

struct HubAgencyImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import agencies from CSV (code,name,letter_code,parent): every row, or none.")

    @OptionGroup var options: DataOptions
    @Argument(help: "The CSV file (UTF-8).") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        let agencies: [Agency]
        do {
            agencies = try Agency.parse(csv: Array(data))
        } catch {
            if let problem = error.file { throw TambonError.command("\(file): \(problem.english)") }
            for row in error.rows.prefix(100) {
                FileHandle.standardError.write(Data("\(file):\(row.line): \(row.problems.map(\.description).joined(separator: "; "))\n".utf8))
            }
            throw TambonError.command("\(error.rows.count) bad row(s) in \(file); nothing was imported")
        }
        try await Self.write(agencies, options: options)
        print("\(agencies.count) agencies saved; nodes fetch them at their next sync")
    }

    /// Writes the agencies as the hub's own records (`agencies/hub.<code>`, scope hub), in one transaction.
    static func write(_ agencies: [Agency], options: DataOptions) async throws {
        _ = try await HubDatabase.withHub(options) { store, _ in
            try await store.write(
                agencies.map {
                    LocalEdit(collection: Agency.collection, record: "\(Store.hubOffice).\($0.code)", set: $0.fields, scope: [Store.hubOffice])
                })
        }
    }
}

struct HubAgencyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the agency directory.")

    @OptionGroup var options: DataOptions

    func run() async throws {
        let agencies = try await HubDatabase.withHub(options) { store, _ in
            try await store.records(collection: Agency.collection, office: Store.hubOffice).compactMap { Agency(fields: $0.fields) }
        }
        if agencies.isEmpty { print("no agencies; add them with: tambon hub agency import --data \(options.data) FILE.csv") }
        for agency in agencies.sorted(by: { $0.code < $1.code }) {
            print([agency.code, agency.name, agency.letterCode ?? "", agency.parent ?? ""].joined(separator: "\t"))
        }
    }
}
