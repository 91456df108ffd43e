import TambonCore
import TambonOSS
import TambonStore
import TambonTestSupport
import Testing

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

    /// A record that cannot be read (the issue's `submitted_ms = 1e300`, which once crash-looped the hub) is left out
    /// of the report and counted as damaged; the cursor moves past it; written whole again, it is counted again.
    @Test func aDamagedApplicationIsCountedAsDamagedAndTheCursorMovesPastIt() async throws {
        let office = try await OfficeFixture()
        let index = try ReportIndex(store: office.store)
        let good = try await office.submit()
        let bad = try await office.submit()
        #expect(try await index.refresh() == 2)
        for value: JSONValue in [.number(1e300), .number(-1e300), .number(9_223_372_036_854_775_808), .string("x"), .number(0.5)] {
            try await office.store.write(collection: ApplicationRecord.collection, record: bad.id, set: ["submitted_ms": value])
            #expect(try await index.refresh() == 1)
            #expect(try await index.refresh() == 0, "the cursor is past it: it is not read again")
            let rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
            #expect(rows.map(\.count) == [1], "only the readable one is counted")
            #expect(try await index.damagedCounts(filter: ReportFilter()) == ["5001": 1])
            #expect(try await index.damagedCounts(filter: ReportFilter(office: "5002")).isEmpty)
        }
        // Another office's settings no version can read leave its applications counted under the standard ones.
        for value: JSONValue in [.number(1e300), .string("x"), ["building_permit": ["period_days": .number(1e300)]]] {
            try await office.store.write(collection: OfficeSettings.collection, record: "5001", set: ["settings": value])
            #expect(try await index.rows(filter: ReportFilter(), dataAsOf: [:]).map(\.count) == [1])
        }
        try await office.store.write(
            collection: ApplicationRecord.collection, record: bad.id, set: ["submitted_ms": .number(Double(good.submittedMillis))])
        #expect(try await index.rows(filter: ReportFilter(), dataAsOf: [:]).map(\.count) == [2])
        #expect(try await index.damagedCounts(filter: ReportFilter()).isEmpty, "whole again: no longer damaged")
    }

    /// The SQL scan against the in-memory reference, over many generated applications of several offices and
    /// services, with every kind of filter.
    @Test func theSQLReportEqualsTheReferenceComputation() async throws {
        let office = try await OfficeFixture()
        // A hub's store: it holds (and here writes) every office's records.
        let store = try Store.inMemory(configuration: office.clock.configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        var generator = SeededGenerator(seed: 11)
        let now = office.clock.now
        var edits: [LocalEdit] = []
        for index in 0..<400 {
            edits.append(
                SyntheticApplication.edit(
                    collection: ApplicationRecord.collection, office: ["5001", "5002", "5003"][(index / 2) % 3], index: index,
                    now: now, withinDays: 200, random: &generator))
        }
        let batch = edits
        try await store.transaction { _ in batch }
        let index = try ReportIndex(store: store)
        let today = index.today()
        let facts = try await store.records(collection: ApplicationRecord.collection).compactMap { record in
            ReportIndex.fact(of: try ApplicationRecord(record, catalog: ServiceCatalog()), on: today)
        }
        #expect(facts.count == 400, "every generated application has an office part")
        #expect(Set(facts.map(\.status)).count >= 4, "the data covers several statuses")
        let filters = [
            ReportFilter(), ReportFilter(office: "5002"), ReportFilter(service: "food-certificate"),
            ReportFilter(from: today.adding(days: -100), to: today.adding(days: -20)),
            ReportFilter(office: "5003", service: "building-permit", from: today.adding(days: -60)),
            ReportFilter(office: "9999"),
        ]
        for filter in filters {
            let sql = try await index.rows(filter: filter, dataAsOf: ["5001": 1])
            #expect(sql == ApplicationReport.rows(from: facts, filter: filter, on: today, dataAsOf: ["5001": 1]), "filter \(filter)")
            #expect(try await index.monthly(filter: filter) == ApplicationReport.monthly(facts, filter: filter))
            #expect(try await index.sites(filter: filter).count == facts.filter { filter.includes($0) && $0.location != nil }.count)
        }
    }

    /// The country's figures are kept between requests and brought up to date group by group: after applications
    /// move between groups, new ones arrive, one is damaged and a day passes, they still equal the reference
    /// computation over every application.
    @Test func keptFiguresFollowEveryChangeGroupByGroup() async throws {
        let office = try await OfficeFixture()
        let store = try Store.inMemory(configuration: office.clock.configuration)
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        var generator = SeededGenerator(seed: 23)
        let offices = ["5001", "5002", "5003", "5004"]
        func write(_ numbers: [Int]) async throws {
            let now = office.clock.now
            let edits = numbers.map { number in
                SyntheticApplication.edit(
                    collection: ApplicationRecord.collection, office: offices[number % offices.count], index: number, now: now, withinDays: 120,
                    random: &generator)
            }
            try await store.transaction { _ in edits }
        }
        try await write(Array(0..<240))
        let index = try ReportIndex(store: store)
        func expectReference(_ comment: Comment) async throws {
            let today = index.today()
            let facts = try await store.records(collection: ApplicationRecord.collection).compactMap { record in
                (try? ApplicationRecord(record, catalog: ServiceCatalog())).flatMap { ReportIndex.fact(of: $0, on: today) }
            }
            for filter in [ReportFilter(), ReportFilter(service: "building-permit")] {
                let rows = try await index.rows(filter: filter, dataAsOf: ["5002": 7])
                #expect(rows == ApplicationReport.rows(from: facts, filter: filter, on: today, dataAsOf: ["5002": 7]), comment)
            }
        }
        try await expectReference("counted in full")
        // Existing applications written again (more events: many change status) and new ones.
        var rewritten = Set<Int>()
        while rewritten.count < 40 { rewritten.insert(Int.random(in: 0..<240, using: &generator)) }
        try await write(rewritten.sorted() + Array(240..<260))
        try await expectReference("after applications moved between groups")
        // One application can no longer be read: it leaves its group.
        let damaged = try await store.records(collection: ApplicationRecord.collection)[5].id
        try await store.write(collection: ApplicationRecord.collection, record: damaged, set: ["submitted_ms": "x"])
        try await expectReference("after one was damaged")
        #expect(try await index.damagedCounts(filter: ReportFilter()).values.reduce(0, +) == 1)
        // A new day: what is overdue changes without a change to the log.
        office.clock.advance(days: 30)
        try await expectReference("a month later")
        try await write([3, 7, 11])
        try await expectReference("and after more changes")
    }

    @Test func aHostileApplicationRecordIsSkippedNotFatal() async throws {
        // An enrolled node can write any value: a submission time of 1e300 used to crash the hub's refresh with
        // "Double value cannot be converted to Int64", and again on every restart.
        let office = try await OfficeFixture()
        let good = try await office.submit()
        try await office.store.transaction { transaction in
            let submit = ApplicationEvent(id: "e1", hlc: transaction.stamp, action: .submit, actor: "citizen", role: .citizen)
            return [
                LocalEdit(
                    collection: ApplicationRecord.collection, record: "5001.HOSTILE1",
                    set: [
                        "service": "building-permit", "office": "5002", "submitted_ms": 1e300, "fees": ["total": 1e300],
                    ], scope: ["5001"]),
                // Well formed, but claiming another office in its `office` field: counted under its owner, 5001.
                LocalEdit(
                    collection: ApplicationRecord.collection, record: "5001.CLAIMS02",
                    set: ["service": "building-permit", "office": "5002", "submitted_ms": .number(Double(OfficeFixture.start))],
                    add: [SetElement(field: "events", id: submit.id, value: submit.value)], scope: ["5001"]),
            ]
        }
        let index = try ReportIndex(store: office.store)
        let rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        #expect(rows.reduce(0) { $0 + $1.count } == 2, "the good application and the one claiming 5002; not the malformed one")
        #expect(rows.map(\.office) == ["5001"] && rows[0].status == "submitted", "no row for 5002")
        #expect(try await index.rows(filter: ReportFilter(office: "5002"), dataAsOf: [:]).isEmpty)
        #expect(try await office.book.application(good.id).id == good.id)
        let hostile = try #require(try await office.store.record(collection: ApplicationRecord.collection, id: "5001.HOSTILE1"))
        #expect { try ApplicationRecord(hostile, catalog: ServiceCatalog()) } throws: {
            ($0 as? DamagedRecord)?.code == "malformed_application"
        }
    }

    @Test func reportsCarryNoPersonalData() async throws {
        let office = try await OfficeFixture()
        _ = try await office.inspected()
        let index = try ReportIndex(store: office.store)
        let rows = try await index.rows(filter: ReportFilter(), dataAsOf: [:])
        let outputs = [
            String(decoding: ReportRow.encoded(rows), as: UTF8.self), ReportCSV.encode(rows),
            String(decoding: SiteMap.encoded(try await index.sites(filter: ReportFilter())), as: UTF8.self),
        ]
        for text in outputs {
            for personal in ["สมชาย", "1234545678781", "0812345678", "แม่เหียะ", "4521"] {
                #expect(!text.contains(personal), "\(personal) must not appear in a report")
            }
        }
    }
}
