import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonReports
import TambonStore
import TambonTestSupport
import Testing

/// The report index is derived from the log through ``TambonStore/LogSnapshot``: on either backend it must derive
/// the same national report from the same applications.
@Suite struct ReportIndexConformanceTests {
    static func report(on backend: HubBackend) async throws -> [ReportRow] {
        try await backend.withHub { hub in
            var random = SeededGenerator(seed: 17)
            for office in ["5001", "5002", "5003"] {
                let edits = (0..<25).map {
                    SyntheticApplication.edit(
                        collection: ApplicationRecord.collection, office: office, index: $0, now: 1_800_000_000_000, withinDays: 200, random: &random)
                }
                _ = try await hub.write(edits)
            }
            let index = try ReportIndex(store: hub, today: { CivilDate(thaiDayOf: 1_800_000_000_000) })
            #expect(try await index.arrivalsBehind() >= 75, "\(backend): nothing read yet")
            #expect(try await index.refresh() == 75)
            #expect(try await index.arrivalsBehind() == 0, "\(backend)")
            // Settings that change an office's periods re-read that office's applications.
            _ = try await hub.write([LocalEdit(collection: OfficeSettings.collection, record: "5002", set: ["settings": [:]], scope: ["5002"])])
            #expect(try await index.arrivalsBehind() == 1, "\(backend): one change behind")
            #expect(try await index.refresh() == 25)
            return try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        }
    }

    @Test func bothBackendsDeriveTheSameNationalReport() async throws {
        guard HubBackend.available.count == 2 else { return }
        let sqlite = try await Self.report(on: .sqlite)
        let postgres = try await Self.report(on: .postgres)
        #expect(!sqlite.isEmpty)
        #expect(sqlite.reduce(0) { $0 + $1.count } == 75)
        #expect(sqlite == postgres)
    }
}
