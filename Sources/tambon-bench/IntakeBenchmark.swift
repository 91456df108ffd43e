import Foundation
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync

/// `tambon-bench intake`: what the CPU does with a push before SQLite sees it, stage by stage, on one thread. The
/// pushes are the national simulation's outage pushes (500 new applications of one office, signed and chained). Each
/// stage runs over every push on its own, so its time per change is its own. On the node: writing the message from
/// the stored changes and compressing it. At the hub: inflating, parsing the JSON, reading the changes out of it
/// (which computes each hash, as pushes leave `hash` out), checking them (structure and size, taking the reader's
/// encoding: ``TambonCore/ReceivedChanges``) and checking their signatures; and, for comparison, the check as it
/// was before, encoding and hashing each change again. Each stage's figure is the fastest of three rounds.
struct IntakeBenchmark {
    let directory: String
    static let pushes = 40
    static let changesPerPush = 500

    func run() async throws -> [String: JSONValue] {
        let identity = NodeIdentity()
        let office = BenchOffice(office: "5001", identity: identity, hub: NodeIdentity().id, cursor: 0)
        var stored: [[StoredChange]] = []
        for _ in 0..<Self.pushes { stored.append(await office.changes(Self.changesPerPush).map(StoredChange.init)) }
        let total = Double(Self.pushes * Self.changesPerPush)
        let clock = ContinuousClock()
        // Each stage runs three times and counts its fastest: this machine's speed varies from one second to the next.
        func perChange<T>(_ stage: () throws -> T) rethrows -> (microseconds: Double, result: T) {
            var fastest = Double.infinity
            var result: T?
            for _ in 0..<3 {
                let started = clock.now
                result = try stage()
                fastest = min(fastest, (clock.now - started).seconds)
            }
            return (fastest / total * 1e6, result!)
        }
        // The node's part: writing the message from its stored changes, and compressing it.
        let write = try perChange { try stored.map { try BenchOffice.pushBody(stored: $0) } }
        guard write.result.allSatisfy({ $0.encoding == "gzip" }) else {
            throw TambonError(.internal, "bench", "a push of \(Self.changesPerPush) changes went uncompressed")
        }
        let bodies = write.result.map(\.bytes)
        print("\(Self.pushes) pushes of \(Self.changesPerPush) changes, \(bodies.reduce(0) { $0 + $1.count } / Self.pushes) bytes each on the wire")
        print(String(format: "  on the node: writing and compressing %.1f µs a change", write.microseconds))
        print("  at the hub:")
        let inflate = try perChange { try bodies.map { try Gzip.decompress($0) } }
        let parse = try perChange { try inflate.result.map { try SyncMessage.object($0) } }
        let read = try perChange { try parse.result.map { try SyncMessage.received($0) } }
        let changes = read.result.flatMap(\.changes)
        // The check as the store runs it, taking the reader's encodings; then as it ran before them (issue 17),
        // encoding and hashing each change again.
        let check = try perChange {
            for batch in read.result {
                for index in 0..<batch.count { _ = try batch.verify(at: index, checkSignature: false) }
            }
        }
        let checkAgain = try perChange {
            for change in changes { try ChangeValidator.verify(change, checkSignature: false) }
        }
        let sign = perChange { changes.filter { $0.hasValidSignature }.count }
        guard sign.result == changes.count else { throw TambonError(.internal, "bench", "a signature did not verify") }
        let stages: [(String, Double)] = [
            ("inflate", inflate.microseconds), ("parse", parse.microseconds), ("read", read.microseconds), ("check", check.microseconds),
            ("signature", sign.microseconds),
        ]
        let sum = stages.reduce(0) { $0 + $1.1 }
        for (name, microseconds) in stages {
            print(String(format: "  %-10@ %6.1f µs a change  (%4.1f %%)", name as NSString, microseconds, microseconds / sum * 100))
        }
        print(String(format: "  total      %6.1f µs a change on one core (the store's apply comes after: tambon-bench store)", sum))
        print(String(format: "  (the check hashing each change again, as before: %.1f µs)", checkAgain.microseconds))
        var figures: [String: JSONValue] = ["benchmark": "intake", "changes": .number(total)]
        for (name, microseconds) in stages + [("check_again", checkAgain.microseconds), ("node_write", write.microseconds)] {
            figures["\(name)_us"] = .number((microseconds * 10).rounded() / 10)
        }
        return figures
    }
}
