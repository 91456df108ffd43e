import ArgumentParser
import TambonCore
import TambonStore

struct RecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Read and write replicated records.",
        subcommands: [RecordsPutCommand.self, RecordsGetCommand.self, RecordsDigestCommand.self]
    )
}

struct RecordsPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Set fields on a record (creating it), as one signed change.",
        discussion: """
            VALUE is JSON: area=120, status='"draft"', tags='["a","b"]'. A bare word that is not JSON is taken as a \
            string: name=สมชาย. A VALUE starting with [, { or " or shaped like a number must be valid JSON.
            """
    )

    @OptionGroup var options: DataOptions

    @Argument(help: "The collection, e.g. permit_applications.")
    var collection: String

    @Argument(help: "The record id.")
    var id: String

    @Argument(help: ArgumentHelp("Fields to set.", valueName: "FIELD=VALUE"))
    var assignments: [String]

    func run() async throws {
        let fields = try FieldAssignment.parse(assignments)
        let (store, _) = try await options.openNode()
        let change = try await store.write(collection: collection, record: id, set: fields)
        print("\(collection)/\(id) seq \(change.seq) hash \(Hex.encode(change.hash))")
    }
}

struct RecordsGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a record's current fields as one JSON object."
    )

    @OptionGroup var options: DataOptions

    @Argument(help: "The collection.")
    var collection: String

    @Argument(help: "The record id.")
    var id: String

    func run() async throws {
        let store = try options.openStore()
        guard let record = try await store.record(collection: collection, id: id) else {
            throw TambonError.command("no record \(collection)/\(id) in \(options.data)")
        }
        print(record.jsonValue.canonicalText)
    }
}

struct RecordsDigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the digest of a scope's replicated state (equal on two replicas exactly when they agree)."
    )

    @OptionGroup var options: DataOptions

    @Option(help: ArgumentHelp("The office code (default: this node's office).", valueName: "CODE"))
    var scope: String?

    func validate() throws {
        if let scope, !Names.isValidOffice(scope) {
            throw ValidationError("invalid office code \"\(scope)\"")
        }
    }

    func run() async throws {
        let (store, node) = try await options.openNode()
        print(try await store.digest(scope: scope ?? node.office))
    }
}
