import Foundation
import Logging
import NIOCore
import TambonCore
import TambonStore
import TambonSync
import TambonTestSupport

/// `tambon-bench restore`: the first sync of a big office (a restore, or a new office node) over HTTPS on loopback.
/// An office node writes 100,000 records of five fields each (500,000 operations) and pushes them to a hub; then a
/// fresh node of the same office pulls all of it, each origin's runs authenticated by their last signature (SPEC
/// §5.3a). Issue 17's target: under 30 s on this machine.
struct RestoreBenchmark {
    let directory: String
    static let records = 100_000
    static let quiet: Logger = {
        var logger = Logger(label: "bench.restore")
        logger.logLevel = .critical
        return logger
    }()

    func run() async throws -> [String: JSONValue] {
        let hub = try await BenchHub(directory: directory)
        return try await hub.serve { url in
            let clock = ContinuousClock()
            let writer = try await hub.node(office: "5001", role: .office, url: url, name: "writer", durable: false)
            print("writing \(Self.records) records of 5 fields on the office node …")
            var written = 0
            let writeStarted = clock.now
            while written < Self.records {
                let range = written..<min(written + 1_000, Self.records)
                try await writer.transaction { _ in
                    range.map { index in
                        LocalEdit(
                            collection: "applications", record: "5001.R\(index)",
                            set: [
                                "applicant_name": .string("นายสมชาย ใจดี \(index)"), "area_m2": .number(Double(60 + index % 90)),
                                "status": "submitted", "storeys": .number(Double(1 + index % 2)), "site": ["lat": 18.79, "lon": 98.98],
                            ])
                    }
                }
                written = range.upperBound
            }
            let writeSeconds = (clock.now - writeStarted).seconds
            let client = try HubClient(url: url, caPEM: hub.caPEM, readTimeout: .seconds(600))
            let pushStarted = clock.now
            try await SyncEngine(store: writer, transport: client, logger: Self.quiet).pushOnly(deadline: .seconds(900))
            let pushSeconds = (clock.now - pushStarted).seconds
            await client.shutdown()
            print(String(format: "  written in %.1f s; pushed to the hub in %.1f s", writeSeconds, pushSeconds))

            // The restore: a fresh node of the office pulls everything; then another with every signature checked.
            func restore(_ name: String, runs: Bool) async throws -> (seconds: Double, pulled: Int) {
                let fresh = try await hub.node(office: "5001", role: .survey, url: url, name: name, durable: true)
                let pullClient = try HubClient(url: url, caPEM: hub.caPEM, readTimeout: .seconds(600))
                var engine = SyncEngine(store: fresh, transport: pullClient, logger: Self.quiet)
                engine.authenticateRuns = runs
                let pullStarted = clock.now
                let report = try await engine.round(deadline: .seconds(900))
                let seconds = (clock.now - pullStarted).seconds
                await pullClient.shutdown()
                let held = try await fresh.statistics()
                let agree = try await fresh.digest(scope: "5001") == hub.store.digest(scope: "5001")
                guard held.records >= Self.records, agree else {
                    throw BenchFailure("the fresh node holds \(held.records) records; digests agree: \(agree)")
                }
                return (seconds, report.pulled)
            }
            let (pullSeconds, pulled) = try await restore("fresh", runs: true)
            let (everySeconds, _) = try await restore("fresh-every-signature", runs: false)
            let operations = Self.records * 5
            print(
                String(
                    format: "restore: %d records (%d operations, %d changes) pulled into a fresh node in %.1f s: %.0f ops/s (target < 30 s: %@)",
                    Self.records, operations, pulled, pullSeconds, Double(operations) / pullSeconds, pullSeconds < 30 ? "met" : "MISSED"))
            print(
                String(format: "         the same with every signature checked: %.1f s (%.0f ops/s)", everySeconds, Double(operations) / everySeconds)
            )
            return [
                "restore_records": .number(Double(Self.records)), "restore_seconds": .number(pullSeconds),
                "restore_ops_per_s": .number((Double(operations) / pullSeconds).rounded()), "restore_push_seconds": .number(pushSeconds),
                "restore_every_signature_seconds": .number(everySeconds),
            ]
        }
    }
}
