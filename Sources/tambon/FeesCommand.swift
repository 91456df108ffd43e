import ArgumentParser
import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

/// `tambon fees …`: the office node's fee work from the command line (the staff pages do the same).
struct FeesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fees",
        abstract: "Payers and monthly bills of an office node.",
        subcommands: [
            FeesImportPayersCommand.self, FeesBillingRunCommand.self, FeesCashCommand.self, FeesBillCommand.self, FeesReviewCommand.self,
            FeesReconcileCommand.self,
        ]
    )
}

struct FeesImportPayersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-payers",
        abstract: "Import the payer register from CSV: every row, or none.",
        discussion: """
            Columns (header row, any order): code,name,address,house_no,village,services,rate_class,starts,ends. \
            services is garbage, wastewater or garbage+wastewater (ขยะ, น้ำเสีย). Dates are YYYY-MM-DD or D/M/BBBB \
            (Buddhist Era). A known code is updated. Any bad row is reported with its line and nothing is imported.
            """
    )

    @OptionGroup var options: DataOptions
    @Argument(help: "The CSV file (UTF-8).") var file: String
    @Flag(name: .customLong("dry-run"), help: "Check the file and count what would change; write nothing.") var dryRun = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        guard data.count <= PayerCSV.maximumBytes else { throw TambonError.command("\(file) is over 10 MB") }
        let payers: [Payer]
        do {
            payers = try PayerCSV.parse(Array(data))
        } catch {
            if let problem = error.file { throw TambonError.command("\(file): \(problem.english)") }
            for row in error.rows.prefix(100) {
                FileHandle.standardError.write(Data("\(file):\(row.line): \(row.problems.map(\.description).joined(separator: "; "))\n".utf8))
            }
            throw TambonError.command("\(error.rows.count) bad row(s) in \(file); nothing was imported")
        }
        let (store, _) = try await options.openNode()
        let summary = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store)).importPayers(payers, dryRun: dryRun)
        print("\(dryRun ? "dry run: would add" : "added") \(summary.added), updated \(summary.updated), unchanged \(summary.unchanged)")
    }
}

struct FeesBillingRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing-run",
        abstract: "Issue the month's bill of every payer; running it again issues nothing twice.",
        discussion: """
            --readings is a CSV of water-meter readings for metered wastewater classes: code,cubic_metres.
            """
    )

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The month, Buddhist Era: 2569-11.", valueName: "YYYY-MM")) var period: String
    @Option(help: ArgumentHelp("Water-meter readings (code,cubic_metres).", valueName: "FILE")) var readings: String?

    func run() async throws {
        guard let month = BillingPeriod(period) else { throw TambonError.command("--period must be YYYY-MM in the Buddhist Era, such as 2569-11") }
        var meters: [String: Int64] = [:]
        if let readings {
            guard let text = try? String(contentsOfFile: readings, encoding: .utf8) else { throw TambonError.command("cannot read \(readings)") }
            for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if index == 0 && cells.first?.lowercased() == "code" { continue }
                guard cells.count == 2, Payer.isCode(cells[0].uppercased()), let value = Int64(cells[1]), (0...1_000_000).contains(value) else {
                    throw TambonError.command("\(readings):\(index + 1): expected code,cubic_metres (0 to 1000000)")
                }
                meters[cells[0].uppercased()] = value
            }
        }
        let (store, _) = try await options.openNode()
        let summary = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store)).runBilling(period: month, readings: meters)
        print(
            "period \(month): issued \(summary.issued) bill(s) for \(summary.billed.decimal) baht; already there \(summary.existing); not billed \(summary.notBilled); skipped \(summary.skipped.count)"
        )
        for skip in summary.skipped.prefix(50) { print("  skipped \(skip.payer): \(skip.english)") }
    }
}

struct FeesCashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cash", abstract: "Take cash at the counter against a bill and issue the next receipt of the fiscal year.")

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The bill's reference (ref 1).", valueName: "REF")) var bill: String
    @Option(help: ArgumentHelp("Baht, such as 150 or 150.50.", valueName: "BAHT")) var amount: String
    @Option(help: ArgumentHelp("Who took the money.", valueName: "USER")) var staff: String = "counter"

    func run() async throws {
        guard let money = Money(baht: amount), money.satang > 0 else { throw TambonError.command("--amount must be baht such as 150 or 150.50") }
        let (store, _) = try await options.openNode()
        let (id, receipt) = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store))
            .receiveCash(bill: bill.uppercased(), amount: money, staff: staff)
        print("receipt \(receipt.number) (\(id)): \(money.decimal) baht against \(receipt.bill)")
    }
}

struct FeesBillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bill", abstract: "Show a bill, what is still owed and its status.")

    @OptionGroup var options: DataOptions
    @Argument(help: "The bill's reference (ref 1).") var reference: String

    func run() async throws {
        let store = try options.openStore()
        guard let (bill, ledger) = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store)).bill(reference.uppercased())
        else { throw TambonError.command("no bill \(reference) on this node") }
        let status: String
        switch ledger.status(of: bill.reference) {
        case .open: status = "open"
        case .partlyPaid: status = "partly paid"
        case .paid: status = "paid"
        case .carried(let into): status = "carried into \(into)"
        }
        print(
            "\(bill.reference) \(bill.period?.description ?? bill.reference2): amount \(bill.amount.decimal), outstanding \(ledger.outstanding(bill.reference).decimal), \(status)"
        )
        for applied in ledger.applied where applied.settlement.bill == bill.reference {
            print(
                "  \(applied.settlement.source.rawValue) \(applied.settlement.amount.decimal) (\(applied.settlement.id))\(applied.credit.satang > 0 ? ", credit \(applied.credit.decimal)" : "")"
            )
        }
    }
}

struct FeesReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "List the bank payments to review: not matched, or paid beyond what was owed.")

    @OptionGroup var options: DataOptions

    func run() async throws {
        let store = try options.openStore()
        let items = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store)).reviewQueue()
        if items.isEmpty { print("nothing to review") }
        for item in items {
            let confirmation = item.payment.confirmation
            print("\(item.id)\t\(item.payment.match)\t\(confirmation.amount.decimal)\tref1 \(confirmation.reference1)\tcredit \(item.credit.decimal)")
        }
    }
}

struct FeesReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Set the bank's daily statement against the payments the bank confirmed.",
        discussion: """
            FILE is CSV with a header: date,time,transaction_id,amount,ref1,ref2 (any order; time and ref2 optional). \
            Prints the share matched without an officer, then each line or payment to look at.
            """
    )

    @OptionGroup var options: DataOptions
    @Argument(help: "The statement (CSV, UTF-8).") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw TambonError.command("cannot read \(file)") }
        let lines: [Reconciliation.Line]
        do {
            lines = try Reconciliation.parse(Array(data))
        } catch {
            for line in error.lines.prefix(100) { FileHandle.standardError.write(Data("\(file):\(line.line): \(line.english)\n".utf8)) }
            throw TambonError.command("\(error.lines.count) bad line(s) in \(file); nothing was reconciled")
        }
        let store = try options.openStore()
        let result = try await FeeBook(store: store, catalog: try await OfficeSettings.load(from: store)).reconcile(lines)
        print(
            "matched \(result.matched.count) of \(lines.count) line(s) (\(result.matchedPermille / 10).\(result.matchedPermille % 10)%) without an officer"
        )
        for line in result.unconfirmed {
            print("no confirmation\tline \(line.line)\t\(line.transactionID)\t\(line.amount.decimal)\tref1 \(line.reference1)")
        }
        for line in result.duplicateLines { print("duplicate line\tline \(line.line)\t\(line.transactionID)\t\(line.amount.decimal)") }
        for confirmed in result.notInStatement {
            print("not in statement\t\(confirmed.id)\t\(confirmed.confirmation.amount.decimal)\tref1 \(confirmed.confirmation.reference1)")
        }
    }
}
