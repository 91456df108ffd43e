import Testing
import TambonCore
import TambonOSS
import TambonStore
import TambonTestSupport
@testable import TambonOffice
@testable import TambonReports

@Suite struct ReportIndexTests {
    @Test func theIndexFollowsApplicationsThroughTheirWorkflow() async throws {
        let office = try await OfficeFixture()
        let index = try ReportIndex(store: office.store)
        #expect(try await index.rows(filter: ReportFilter(), dataAsOf: [:]).isEmpty)

        let late = try await office.inspected()
        let onTime = try await office.inspected()
        let waiting = try await office.submit()
        office.clock.advance(days: 10)
        try await office.book.act(on: onTime.id, action: "approve", payload: [:], actor: "somsri", role: .officer)
        office.clock.advance(days: 40)
        try await office.book.act(on: late.id, action: "approve", payload: [:], actor: "somsri", role: .officer)

        var rows = try await index.rows(filter: ReportFilter(), dataAsOf: ["5001": 42])
        #expect(rows.map(\.status) == ["approved", "submitted"])
        #expect(rows[0].count == 2 && rows[0].overdue == 1, "one decided after its 45-day deadline")
        #expect(rows[0].medianDaysToDecision == 30, "10 and 50 days from submission")
        #expect(rows[1].count == 1 && rows[1].overdue == 0 && rows[1].medianDaysToDecision == nil && rows[1].dataAsOfMillis == 42)

        // A later event moves the application to another row; only what changed is re-read.
        try await office.book.act(on: waiting.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        #expect(try await index.refresh() == 1)
        #expect(try await index.refresh() == 0, "nothing new: nothing re-read")
        rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        #expect(rows.map(\.status) == ["accepted", "approved"])
        office.clock.advance(days: 46)
        rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        #expect(rows[0].overdue == 1, "the accepted one is now past its deadline, with no new change")

        // The office shortens its period: the accepted application is re-read with it, though it did not change.
        office.clock.advance(days: -40)
        #expect(try await index.rows(filter: ReportFilter(), dataAsOf: [:])[0].overdue == 0)
        try await OfficeSettings.save(["building_permit": ["period_days": 5]], to: office.store)
        #expect(try await index.refresh() == 3, "all the office's applications, for its new settings")
        #expect(try await index.rows(filter: ReportFilter(), dataAsOf: [:])[0].overdue == 1, "past a 5-day period")

        let sites = try await index.sites(filter: ReportFilter())
        #expect(sites.count == 3 && sites.allSatisfy { $0.office == "5001" && $0.location.latitude == 18.7605 })
        let monthly = try await index.monthly(filter: ReportFilter())
        #expect(monthly.values.reduce(0) { $0 + ($1["building-permit"] ?? 0) } == 3)
    }

    /// The SQL scan against the in-memory reference, over many generated applications of several offices and
    /// services, with every kind of filter.
    @Test func theSQLReportEqualsTheReferenceComputation() async throws {
        let office = try await OfficeFixture()
        // A hub's store: it holds (and here writes) every office's records.
        var configuration = StoreConfiguration()
        let clock = office.clock
        configuration.wallClock = { clock.now() }
        let store = try Store.inMemory(configuration: configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        var generator = SeededGenerator(seed: 11)
        let now = office.clock.now()
        var edits: [LocalEdit] = []
        for index in 0..<400 {
            edits.append(Self.application(office: ["5001", "5002", "5003"][index % 3], index: index, now: now, random: &generator))
        }
        let batch = edits
        try await store.transaction { _ in batch }
        let index = try ReportIndex(store: store)
        let today = index.today()
        let facts = try await store.records(collection: ApplicationRecord.collection).map { record in
            ReportIndex.fact(of: try ApplicationRecord(record, catalog: ServiceCatalog()), on: today)
        }
        #expect(Set(facts.map(\.status)).count >= 4, "the data covers several statuses")
        let filters = [
            ReportFilter(), ReportFilter(office: "5002"), ReportFilter(service: "food-certificate"),
            ReportFilter(from: today.adding(days: -100), to: today.adding(days: -20)), ReportFilter(office: "5003", service: "building-permit", from: today.adding(days: -60)),
            ReportFilter(office: "9999"),
        ]
        for filter in filters {
            let sql = try await index.rows(filter: filter, dataAsOf: ["5001": 1])
            #expect(sql == ApplicationReport.rows(from: facts, filter: filter, on: today, dataAsOf: ["5001": 1]), "filter \(filter)")
            #expect(try await index.monthly(filter: filter) == ApplicationReport.monthly(facts, filter: filter))
            #expect(try await index.sites(filter: filter).count == facts.filter { filter.includes($0) && $0.location != nil }.count)
        }
    }

    @Test func reportsCarryNoPersonalData() async throws {
        let office = try await OfficeFixture()
        _ = try await office.inspected()
        let index = try ReportIndex(store: office.store)
        let rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        let outputs = [String(decoding: ReportRow.encoded(rows), as: UTF8.self), ReportCSV.encode(rows),
                       String(decoding: SiteMap.encoded(try await index.sites(filter: ReportFilter())), as: UTF8.self)]
        for text in outputs {
            for personal in ["สมชาย", "1234545678781", "0812345678", "แม่เหียะ", "4521"] {
                #expect(!text.contains(personal), "\(personal) must not appear in a report")
            }
        }
    }

    /// A generated application with a random history (as a hub holds it after sync).
    static func application(office: String, index: Int, now: Int64, random: inout SeededGenerator) -> LocalEdit {
        let day: Int64 = 86_400_000
        let permit = index % 2 == 0
        let submitted = now - Int64.random(in: 1...200, using: &random) * day
        var at = submitted
        var events: [SetElement] = []
        func event(_ action: String, role: ActorRole = .officer, after days: ClosedRange<Int64>, _ payload: [String: JSONValue] = [:]) {
            at = min(now, at + Int64.random(in: days, using: &random) * day + 60_000)
            let value = ApplicationEvent(id: "\(at)-\(events.count)", hlc: HLC(millis: UInt64(at), counter: 0), action: action, actor: "t", role: role, payload: payload)
            events.append(SetElement(field: "events", id: value.id, value: value.value))
        }
        event("submit", role: .citizen, after: 0...0)
        let stage = Int.random(in: 0..<8, using: &random)
        if stage >= 1 { event("accept", after: 0...5) }
        if stage == 2 { event("return", after: 1...10, ["reason": "ขาดเอกสาร"]) }
        if permit && stage >= 3 {
            event("assign-inspection", after: 1...5, ["assignee": "chai"])
            event("record-inspection", after: 1...20, ["inspection": ["result": "pass", "lat": 18.7, "lon": 98.9, "accuracy_m": 5, "notes": ""]])
        }
        if stage >= 5 {
            if stage == 7 { event("reject", after: 1...40, ["reason": "ไม่ผ่าน"]) } else { event("approve", after: 1...60, ["number": .string("\(index + 1)/2569")]) }
        }
        let location: JSONValue = index % 5 == 0 ? .null : ["lat": 13.75, "lon": 100.5]
        return LocalEdit(
            collection: ApplicationRecord.collection, record: "T\(index)",
            set: ["service": .string(permit ? "building-permit" : "food-certificate"), "office": .string(office), "details": ["location": location],
                  "submitted_ms": .number(Double(submitted)), "applicant": [:]],
            add: events, scope: [office])
    }
}

