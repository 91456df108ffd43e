import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonReports
import TambonStore
import TambonTestSupport

/// `tambon-bench reports`: a hub holding 1,000 offices × 200 applications (building permits and food
/// certificates at every stage, over 18 months), its report index built from the change log, then the time of
/// each report: the national report (the target: under 200 ms), one office's drill-down, the CSV, the monthly
/// chart's counts and the site map.
struct ReportBenchmark {
    static let offices = 1_000
    static let applicationsPerOffice = 200
    static let runs = 15

    let directory: String

    func run() async throws -> [String: JSONValue] {
        var random = SeededGenerator(seed: 2569)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var configuration = StoreConfiguration()
        configuration.durableCommits = false
        let store = try Store.open(path: directory + "/hub.sqlite", configuration: configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "bench hub")
        let offices = (0..<Self.offices).map { String(5_000_001 + $0) }

        print("writing \(Self.offices) offices × \(Self.applicationsPerOffice) applications into a hub …")
        var started = Date()
        var changes = 0
        for (number, office) in offices.enumerated() {
            var edits: [LocalEdit] = []
            for index in 0..<Self.applicationsPerOffice {
                edits.append(
                    SyntheticApplication.edit(
                        collection: ApplicationRecord.collection, office: office, index: index, now: now,
                        withinDays: 540, random: &random))
            }
            let batch = edits
            changes += try await store.transaction { _ in batch }.count
            if number % 200 == 199 { print("  \(number + 1) offices") }
        }
        // Every office's node enrolled and seen, 3 % of them last heard from over a week ago.
        for (number, office) in offices.enumerated() {
            let token = try await store.peers.createEnrolmentToken(office: office, role: Peer.Role.office)
            let node = NodeIdentity().id
            _ = try await store.peers.enrol(token: token, node: node, office: office, name: "office \(office)")
            if number % 33 != 0 { _ = try await store.peers.authenticate(node: node, nonce: 1, skewMillis: 0) }
        }
        let loading = Date().timeIntervalSince(started)
        print(String(format: "  %d applications (%d changes) written in %.1f s", Self.offices * Self.applicationsPerOffice, changes, loading))

        let index = try ReportIndex(store: store)
        started = Date()
        let indexed = try await index.refresh()
        let indexing = Date().timeIntervalSince(started)
        print(
            String(
                format: "report index built from the log: %d applications in %.1f s (%.0f /s); later refreshes read only what changed",
                indexed, indexing, Double(indexed) / indexing))

        let officeSync = try await index.officeSync()
        let lastSync = officeSync.compactMapValues { $0 }
        let query = try await time("national report (rows, no encoding)") {
            try await index.rows(filter: ReportFilter(), dataAsOf: lastSync).count
        }
        let national = try await time("national report (JSON)") {
            let rows = try await index.rows(filter: ReportFilter(), dataAsOf: lastSync)
            return ReportRow.encoded(rows).count
        }
        let csv = try await time("national report (CSV)") {
            ReportCSV.encode(try await index.rows(filter: ReportFilter(), dataAsOf: lastSync)).utf8.count
        }
        let office = try await time("one office's drill-down") {
            try await index.rows(filter: ReportFilter(office: offices[Self.offices / 2]), dataAsOf: lastSync).count
        }
        let ranged = try await time("national, one service, 3 months") {
            let to = CivilDate(thaiDayOf: now)
            return try await index.rows(filter: ReportFilter(service: "food-certificate", from: to.adding(days: -91), to: to), dataAsOf: lastSync)
                .count
        }
        let monthly = try await time("applications per month by service") { try await index.monthly(filter: ReportFilter()).count }
        let sites = try await time("sites.geojson (every pin)") {
            SiteMap.encoded(try await index.sites(filter: ReportFilter())).count
        }
        let stale = officeSync.values.filter { ($0 ?? 0) < now - 7 * 86_400_000 }.count
        print("  offices not synced for over a week: \(stale)")
        print(
            String(
                format: "national report p50 %.1f ms, max %.1f ms: target < 200 ms %@", national.p50, national.max,
                national.p50 < 200 ? "met" : "NOT met"))
        try? FileManager.default.removeItem(atPath: directory + "/hub.sqlite")
        return [
            "benchmark": "reports", "offices": .number(Double(Self.offices)),
            "applications": .number(Double(Self.offices * Self.applicationsPerOffice)),
            "load_s": .number((loading * 10).rounded() / 10), "index_build_s": .number((indexing * 10).rounded() / 10),
            "national_json_ms_p50": .number(national.p50), "national_json_ms_max": .number(national.max),
            "national_rows_ms_p50": .number(query.p50), "national_csv_ms_p50": .number(csv.p50), "office_ms_p50": .number(office.p50),
            "ranged_ms_p50": .number(ranged.p50),
            "monthly_ms_p50": .number(monthly.p50), "sites_ms_p50": .number(sites.p50),
            "national_target_met": .bool(national.p50 < 200),
            "cores": .number(Double(ProcessInfo.processInfo.activeProcessorCount)),
        ]
    }

    /// Times `body` `runs` times (after one warm-up) and prints p50 and max in ms.
    func time(_ name: String, _ body: () async throws -> Int) async throws -> (p50: Double, max: Double) {
        let size = try await body()
        var samples: [Double] = []
        for _ in 0..<Self.runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        let p50 = (samples[samples.count / 2] * 10).rounded() / 10
        let max = (samples.last! * 10).rounded() / 10
        print(String(format: "  %-36@ p50 %7.1f ms  max %7.1f ms  (%d)", name as NSString, p50, max, size))
        return (p50, max)
    }
}
