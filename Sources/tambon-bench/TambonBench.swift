import Foundation
import TambonCore

/// `swift run -c release tambon-bench store|sync|intake|reports|fees|letters|restore|national [--dir DIR]`: prints figures,
/// then one JSON line with all of them (`national`: one line per backend).
@main
struct TambonBench {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var directory = NSTemporaryDirectory() + "tambon-bench-\(ProcessInfo.processInfo.processIdentifier)"
        if let flag = arguments.firstIndex(of: "--dir"), flag + 1 < arguments.count {
            directory = arguments[flag + 1]
            arguments.removeSubrange(flag...(flag + 1))
        }
        // The working directory goes when the run ends, unless kept (the hub's log of `national` is there).
        let keep = arguments.contains("--keep")
        arguments.removeAll { $0 == "--keep" }
        let benchmarks: Set = ["store", "sync", "intake", "reports", "fees", "letters", "restore", "national"]
        let usage = """
            usage: tambon-bench store|sync|intake|reports|fees|letters|restore [--dir DIR] [--keep]
                   tambon-bench national [--dir DIR] [--keep] [--offices N] [--applications N] [--steady-seconds S]
                                         [--outage-offices N] [--outage-changes N] [--confirmations-per-second R]
                                         [--bank-connections N]
                                         [--backends sqlite,postgres] [--postgres URL]

            Build it with -c release: a debug build's figures mean nothing. `national` runs each backend in turn
            (PostgreSQL in a throwaway cluster unless --postgres names a server) and prints one JSON line per backend;
            the others print one JSON line of figures. BENCHMARKS.md says what each measures. The working
            directory is removed at the end unless --keep is given (`national` leaves the hub's log there).

            """
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage, terminator: "")
            return
        }
        guard let name = arguments.first, benchmarks.contains(name), arguments.count == 1 || name == "national" else {
            FileHandle.standardError.write(Data(usage.utf8))
            exit(64)
        }
        #if DEBUG
        print("warning: this is a debug build; figures are meaningful only with `swift run -c release tambon-bench store`")
        #endif
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
            if name == "national" {
                for line in try await NationalBenchmark(directory: directory, arguments: Array(arguments.dropFirst())).run() {
                    print(JSONValue.object(line).canonicalText)
                }
                return
            }
            let figures =
                switch name {
                case "store": try await StoreBenchmark(directory: directory).run()
                case "sync": try await SyncBenchmark(directory: directory).run()
                case "intake": try await IntakeBenchmark(directory: directory).run()
                case "fees": try await FeeBenchmark(directory: directory).run()
                case "letters": try await LetterBenchmark(directory: directory).run()
                case "restore": try await RestoreBenchmark(directory: directory).run()
                default: try await ReportBenchmark(directory: directory).run()
                }
            print(JSONValue.object(figures).canonicalText)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }
}
