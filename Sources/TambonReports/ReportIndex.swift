import GRDB
import Logging
import TambonCore
import TambonOSS
import TambonOffice
import TambonSQLite
import TambonStore

/// The hub's report index: one row of `ReportFact` per application, in a database of its own beside the store
/// (`reports.sqlite`), brought up to date from the store's change feed (`refresh`) so a national report is one
/// indexed SQL aggregate rather than a walk over every application's timeline. The index holds no personal data,
/// and it is derived: deleting its file rebuilds it from the log on the next refresh. A fact's office is the owner
/// of the application's record id, never a field of the record; an application whose id has no office part (an
/// older version's bare tracking code) is left out.
public struct ReportIndex: Sendable {
    public let store: any HubLog
    /// The index's own database (never the store's).
    let database: any DatabaseWriter
    /// Today's date in Thailand (injected for tests).
    public let today: @Sendable () -> CivilDate
    /// The application services whose records the index reads (every one Tambon offers, unless a test adds one).
    public let services: [any ApplicationService.Type]
    /// Where an application first found damaged is logged.
    public let logger: Logger
    /// The applications report's figures per group, kept between requests.
    let totals = ReportTotals()

    /// The index's file, beside the store's.
    public static let fileName = "reports.sqlite"
    /// Changes of the log read per refresh step.
    public static let refreshStep = 2_000
    /// Refresh steps a report request runs before it reads (``catchUp()``): 6,000 changes, a fraction of a second.
    /// The background refresh (``ReportRefresher``) keeps the index closer than that except during a burst.
    public static let requestSteps = 3
    /// ``refreshStep`` and ``requestSteps`` unless a test makes them small.
    let stepSize: Int
    let requestSteps: Int
    /// Refresh steps run one at a time.
    let steps = TurnGate()

    public init(
        store: any HubLog, today: (@Sendable () -> CivilDate)? = nil, services: [any ApplicationService.Type] = ServiceCatalog.all,
        logger: Logger = Logger(label: "tambon.reports"), stepSize: Int = ReportIndex.refreshStep,
        requestSteps: Int = ReportIndex.requestSteps
    ) throws {
        precondition(stepSize >= 1 && requestSteps >= 1)
        self.stepSize = stepSize
        self.requestSteps = requestSteps
        self.store = store
        self.logger = logger
        self.services = services
        let clock = store.configuration.wallClock
        self.today = today ?? { CivilDate(thaiDayOf: clock()) }
        database = try ProjectionDatabase.open(path: store.projectionPath(Self.fileName))
        try Self.migrator().migrate(database)
    }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("reports-v1") { db in
            try db.execute(
                sql: """
                    -- Each (office, service, status) a report row can have, numbered: facts carry the number, so a
                    -- national report groups and orders by one integer.
                    CREATE TABLE report_groups (
                        grp INTEGER PRIMARY KEY,
                        office TEXT NOT NULL,
                        service TEXT NOT NULL,
                        status TEXT NOT NULL,
                        UNIQUE (office, service, status)
                    );
                    -- One row per application; days are days since 1970-01-01 (Thai calendar days).
                    CREATE TABLE report_facts (
                        record_id TEXT PRIMARY KEY,
                        grp INTEGER NOT NULL REFERENCES report_groups (grp),
                        submitted_day INTEGER NOT NULL,
                        decision_days INTEGER,
                        overdue_from INTEGER,
                        lat REAL,
                        lon REAL
                    ) WITHOUT ROWID;
                    -- Covers every report: group order, the medians' order, the overdue test and the date filter.
                    CREATE INDEX report_facts_by_group ON report_facts (grp, decision_days, overdue_from, submitted_day);
                    -- How far through the change log (arrival) the index is.
                    CREATE TABLE report_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), arrival INTEGER NOT NULL);
                    INSERT INTO report_cursor VALUES (1, 0);
                    """)
        }
        // A row's office used to be read from the application's `office` field, which any node could set: the
        // index is derived, so it is emptied and rebuilt from the log with the office taken from the record id.
        migrator.registerMigration("reports-v2-owner-office") { db in
            try db.execute(sql: "DELETE FROM report_facts; DELETE FROM report_groups; UPDATE report_cursor SET arrival = 0")
        }
        // Applications that cannot be read are counted as damaged instead of silently missing; the log is read again
        // to find those already passed over.
        migrator.registerMigration("reports-v3-damaged") { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_damaged (
                        record_id TEXT PRIMARY KEY,
                        office TEXT NOT NULL,
                        reason TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX report_damaged_by_office ON report_damaged (office);
                    DELETE FROM report_facts; DELETE FROM report_groups; UPDATE report_cursor SET arrival = 0;
                    """)
        }
        // Fees: what each office billed and collected per month, for the national collection figure (sums only, no
        // payer). The log is read again so bills already held are counted.
        migrator.registerMigration("reports-v4-fees") { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_fee_items (
                        record_id TEXT PRIMARY KEY,   -- collection/record: bills/…, receipts/…, payments/…
                        office TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('billed', 'collected')),
                        month TEXT NOT NULL,          -- Buddhist Era, YYYY-MM
                        satang INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX report_fee_items_by_office ON report_fee_items (office, kind, month);
                    UPDATE report_cursor SET arrival = 0;
                    """)
        }
        // Each group remembers the cursor of the last refresh step that changed its facts, so the report's figures
        // are brought up to date group by group (``ReportTotals``).
        migrator.registerMigration("reports-v5-touched-groups") { db in
            try db.execute(
                sql: """
                    ALTER TABLE report_groups ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX report_groups_by_touched ON report_groups (touched);
                    """)
        }
        return migrator
    }

    // MARK: - Keeping up with the log

    /// Brings the index up to the log: every application changed since the last refresh (and every application of an
    /// office whose settings changed) is read, its timeline merged with its office's settings, and its facts replaced.
    /// Returns how many applications were re-read.
    ///
    /// It runs in steps of ``refreshStep`` changes (`stepSize`), one step at a time (``steps``): of two refreshes at once (a request
    /// and the background loop), each step reads on from where the one before it wrote, so none is indexed twice.
    /// Each step reads the store in one snapshot, then writes the index in one transaction only if the index's cursor
    /// is still where the step started, so older facts never land over newer ones. A step is small, so readers wait
    /// briefly.
    @discardableResult
    public func refresh() async throws -> Int {
        try await refresh(atMost: .max).refreshed
    }

    /// Up to ``requestSteps`` refresh steps: what a report request runs before it reads. Normally that reaches the
    /// log. Right after a burst of changes that the background refresh waited out (``RefreshPacing``), it does not:
    /// the request then answers at once from what the index holds, and says so (``isBehind()``), rather than keep its
    /// reader waiting while a whole region's backlog is indexed. Returns whether the index reached the log.
    @discardableResult
    public func catchUp() async throws -> Bool {
        try await refresh(atMost: requestSteps).caughtUp
    }

    /// Whether the log holds changes the index has not read yet.
    public func isBehind() async throws -> Bool {
        try await arrivalsBehind() > 0
    }

    /// How far the index is behind the log, in the log's arrival positions: the changes it has not read yet (on
    /// PostgreSQL an upper bound, as a rolled-back write leaves a gap in the arrivals). 0 when it is up to date. The
    /// hub's `tambon_hub_report_index_behind_changes` gauge.
    public func arrivalsBehind() async throws -> Int64 {
        let cursor = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT arrival FROM report_cursor")! }
        return max(0, try await store.readSnapshot { try $0.lastArrival() } - cursor)
    }

    /// At most `maximum` steps; how many applications they re-read, and whether the index reached the log.
    func refresh(atMost maximum: Int) async throws -> (refreshed: Int, caughtUp: Bool) {
        var refreshed = 0
        let today = self.today()
        var taken = 0
        while taken < maximum {
            taken += 1
            guard let count = try await steps.inTurn({ try await step(on: today) }) else { return (refreshed, true) }
            refreshed += count
        }
        return (refreshed, false)
    }

    /// One step: the applications it re-read, or nil when the index had already reached the log.
    private func step(on today: CivilDate) async throws -> Int? {
        let cursor = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT arrival FROM report_cursor")! }
        let step = try await store.readSnapshot { [stepSize, services] snapshot -> Step? in
            try Self.step(snapshot, after: cursor, limit: stepSize, on: today, services: services)
        }
        guard let step else { return nil }
        let written = try await database.write { db -> [DamagedRecord]? in
            guard try Int64.fetchOne(db, sql: "SELECT arrival FROM report_cursor") == cursor else { return nil }
            var touched = try Self.write(step.facts, db)
            try Self.write(fees: step.fees, db)
            let newlyDamaged = try Self.write(damaged: step.damaged, db, touched: &touched)
            for grp in touched {
                try db.execute(sql: "UPDATE report_groups SET touched = ? WHERE grp = ?", arguments: [step.through, grp])
            }
            try db.execute(sql: "UPDATE report_cursor SET arrival = ?", arguments: [step.through])
            return newlyDamaged
        }
        // Another process's refresh moved the cursor first: this step is read again from there.
        guard let written else { return 0 }
        // Logged once: when a record first becomes damaged in the index, not at every refresh or restart.
        for record in written {
            logger.warning("damaged application left out of the reports", metadata: ["record": "\(record.id)", "reason": "\(record.code)"])
        }
        return step.facts.count + step.damaged.count
    }

    /// The facts of the applications changed after arrival `cursor` (one step), and the arrival read to; nil when
    /// the log holds nothing newer.
    /// One refresh step: the facts of the applications read, those that could not be read (their office and
    /// why), and the arrival read to.
    struct Step: Sendable {
        let facts: [(String, ReportFact)]
        let damaged: [(office: String, record: DamagedRecord)]
        /// Fee items by `collection/record`; nil removes one (a voided receipt, a payment not matched to a bill).
        var fees: [(String, FeeItem?)] = []
        let through: Int64
    }

    /// One bill's own charges (billed) or one settlement (collected), in an office and a month.
    struct FeeItem: Sendable {
        let office: String
        let kind: String
        let month: BillingPeriod
        let satang: Int64
    }

    /// The fee item a changed bill, receipt or payment makes; nil if it counts for nothing (any more).
    static func feeItem(_ record: RecordSnapshot, collection: String) -> FeeItem? {
        guard let office = Authority.owner(ofRecord: record.id), office != Store.hubOffice else { return nil }
        switch collection {
        case Bill.collection:
            guard let bill = Bill(fields: record.fields) else { return nil }
            return FeeItem(office: office, kind: "billed", month: bill.period ?? BillingPeriod(containing: bill.issued), satang: bill.own.satang)
        case Receipt.collection:
            guard let receipt = Receipt(fields: record.fields), receipt.voided == nil else { return nil }
            return FeeItem(
                office: office, kind: "collected", month: BillingPeriod(containing: CivilDate(thaiDayOf: receipt.at)), satang: receipt.amount.satang)
        default:
            guard let payment = BankPayment(fields: record.fields), payment.bill != nil else { return nil }
            return FeeItem(
                office: office, kind: "collected", month: BillingPeriod(containing: CivilDate(thaiDayOf: payment.confirmation.paidAt)),
                satang: payment.confirmation.amount.satang)
        }
    }

    static let feeCollections = [Bill.collection, Receipt.collection, BankPayment.collection]

    static func step(
        _ snapshot: any LogSnapshot, after cursor: Int64, limit: Int, on today: CivilDate, services: [any ApplicationService.Type]
    ) throws -> Step? {
        let (changed, through) = try snapshot.changedRecords(
            collections: Set([ApplicationRecord.collection, OfficeSettings.collection] + feeCollections), after: cursor, limit: limit)
        guard through > cursor else { return nil }
        // New settings (a period, a fee table) change the deadlines of every application of that office.
        var ids = changed[ApplicationRecord.collection] ?? []
        var seen = Set(ids)
        for office in changed[OfficeSettings.collection] ?? [] {
            for id in try snapshot.recordIDs(collection: ApplicationRecord.collection, office: office) where seen.insert(id).inserted {
                ids.append(id)
            }
        }
        var catalogs: [String: ServiceCatalog] = [:]
        var facts: [(String, ReportFact)] = []
        var damaged: [(office: String, record: DamagedRecord)] = []
        for record in try snapshot.records(collection: ApplicationRecord.collection, ids: ids) {
            // The office is the record id's owner, which only that office's nodes (and the hub) may write; never
            // the record's `office` field, which any writer could fill in. An application whose id has no office
            // part (filed by an older version under its bare tracking code) is left out: its office node's copy
            // `<office>.<code>` is counted instead.
            guard let office = ApplicationRecord.owner(ofRecord: record.id) else { continue }
            if catalogs[office] == nil { catalogs[office] = try catalog(snapshot, of: office, services: services) }
            let application: ApplicationRecord
            do throws(DamagedRecord) { application = try ApplicationRecord(record, catalog: catalogs[office]!) } catch {
                damaged.append((office, error))
                continue
            }
            guard let fact = Self.fact(of: application, on: today) else { continue }
            facts.append((application.id, fact))
        }
        var fees: [(String, FeeItem?)] = []
        for collection in feeCollections {
            let ids = changed[collection] ?? []
            let held = Dictionary(try snapshot.records(collection: collection, ids: ids).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for id in ids { fees.append(("\(collection)/\(id)", held[id].flatMap { feeItem($0, collection: collection) })) }
        }
        return Step(facts: facts, damaged: damaged, fees: fees, through: through)
    }

    /// Records the applications that cannot be read (their facts removed, so an application damaged after it was
    /// counted is no longer counted as what it was); returns those not already recorded as damaged.
    /// The groups whose facts it removed are added to `touched`.
    static func write(damaged: [(office: String, record: DamagedRecord)], _ db: Database, touched: inout Set<Int64>) throws -> [DamagedRecord] {
        var newlyDamaged: [DamagedRecord] = []
        for (office, record) in damaged {
            if let grp = try Int64.fetchOne(db, sql: "DELETE FROM report_facts WHERE record_id = ? RETURNING grp", arguments: [record.id]) {
                touched.insert(grp)
            }
            let known = try String.fetchOne(db, sql: "SELECT reason FROM report_damaged WHERE record_id = ?", arguments: [record.id])
            guard known != record.code else { continue }
            try db.execute(
                sql: "INSERT OR REPLACE INTO report_damaged (record_id, office, reason) VALUES (?, ?, ?)",
                arguments: [record.id, office, record.code])
            newlyDamaged.append(record)
        }
        return newlyDamaged
    }

    static func write(fees: [(String, FeeItem?)], _ db: Database) throws {
        guard !fees.isEmpty else { return }
        let upsert = try RawStatement(
            db, "INSERT OR REPLACE INTO report_fee_items (record_id, office, kind, month, satang) VALUES (?, ?, ?, ?, ?)")
        let delete = try RawStatement(db, "DELETE FROM report_fee_items WHERE record_id = ?")
        for (key, item) in fees {
            guard let item else {
                try delete.bind(1, text: key)
                try delete.run()
                continue
            }
            try upsert.bind(1, text: key)
            try upsert.bind(2, text: item.office)
            try upsert.bind(3, text: item.kind)
            try upsert.bind(4, text: item.month.description)
            try upsert.bind(5, item.satang)
            try upsert.run()
        }
    }

    /// Each office's fees billed and collected in the months `from`…`through` (Buddhist Era, inclusive): sums, no
    /// payer. A payment paid twice counts twice in collected until it is refunded.
    public func feeTotals(from: BillingPeriod, through: BillingPeriod) async throws -> [String: (billed: Int64, collected: Int64)] {
        try await database.read { db in
            var totals: [String: (billed: Int64, collected: Int64)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT office, kind, sum(satang) FROM report_fee_items WHERE month BETWEEN ? AND ? GROUP BY office, kind",
                arguments: [from.description, through.description])
            {
                let office: String = row[0]
                var total = totals[office] ?? (0, 0)
                if row[1] as String == "billed" { total.billed = row[2] } else { total.collected = row[2] }
                totals[office] = total
            }
            return totals
        }
    }

    /// How many applications each office has that cannot be read (left out of every report), for the offices
    /// `filter` selects.
    public func damagedCounts(filter: ReportFilter) async throws -> [String: Int] {
        try await database.read { db in
            var sql = "SELECT office, count(*) FROM report_damaged"
            var arguments: [String] = []
            if let office = filter.office {
                sql += " WHERE office = ?"
                arguments.append(office)
            }
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql + " GROUP BY office", arguments: StatementArguments(arguments)) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    /// Writes the facts; returns the groups they left or joined.
    static func write(_ rows: [(String, ReportFact)], _ db: Database) throws -> Set<Int64> {
        let group = try RawStatement(db, "SELECT grp FROM report_groups WHERE office = ? AND service = ? AND status = ?")
        let previous = try RawStatement(db, "SELECT grp FROM report_facts WHERE record_id = ?")
        var touched = Set<Int64>()
        let newGroup = try RawStatement(db, "INSERT INTO report_groups (office, service, status) VALUES (?, ?, ?)")
        let upsert = try RawStatement(
            db,
            """
            INSERT OR REPLACE INTO report_facts (record_id, grp, submitted_day, decision_days, overdue_from, lat, lon)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        // A record written whole again is no longer damaged.
        let undamage = try RawStatement(db, "DELETE FROM report_damaged WHERE record_id = ?")
        var groups: [String: Int64] = [:]
        for (id, fact) in rows {
            let key = fact.office + "\u{1}" + fact.service + "\u{1}" + fact.status
            var grp = groups[key]
            if grp == nil {
                for (index, text) in [fact.office, fact.service, fact.status].enumerated() { try group.bind(Int32(index + 1), text: text) }
                try group.query { grp = $0.int64(0) }
                if grp == nil {
                    for (index, text) in [fact.office, fact.service, fact.status].enumerated() { try newGroup.bind(Int32(index + 1), text: text) }
                    try newGroup.run()
                    grp = db.lastInsertedRowID
                }
                groups[key] = grp
            }
            try previous.bind(1, text: id)
            try previous.query { touched.insert($0.int64(0)) }
            touched.insert(grp!)
            try upsert.bind(1, text: id)
            try upsert.bind(2, grp!)
            try upsert.bind(3, Int64(fact.submittedOn.daysSinceEpoch))
            try upsert.bind(4, fact.daysToDecision.map(Int64.init))
            try upsert.bind(5, fact.overdueFrom.map { Int64($0.daysSinceEpoch) })
            try upsert.bind(6, fact.location?.latitude)
            try upsert.bind(7, fact.location?.longitude)
            try upsert.run()
            try undamage.bind(1, text: id)
            try undamage.run()
        }
        return touched
    }

    /// An office's settings as its nodes wrote them (the hub holds every office's `office_settings` record).
    static func catalog(_ snapshot: any LogSnapshot, of office: String, services: [any ApplicationService.Type]) throws -> ServiceCatalog {
        guard let value = try snapshot.record(collection: OfficeSettings.collection, id: office)?.fields["settings"],
            let catalog = try? OfficeSettings.catalog(from: value, services: services)
        else { return ServiceCatalog(services: services) }
        return catalog
    }

    /// The facts of an application under its owner office; nil for one whose id has no office part.
    static func fact(of application: ApplicationRecord, on today: CivilDate) -> ReportFact? {
        guard let office = application.office else { return nil }
        let location = (try? GeoPoint.pinned(application.details["location"])) ?? nil
        return ReportFact(
            office: office, service: application.service.rawValue, submittedOn: CivilDate(thaiDayOf: application.submittedMillis),
            timeline: application.timeline, location: location, on: today)
    }

    // MARK: - Reports

    /// A filter in SQL: the groups its office and service select, and a scan of `report_facts` limited to them and
    /// to its submission dates.
    struct Selection {
        let groupClause: String
        let groupArguments: [String]
        let dayClause: String
        let dayArguments: [Int64]

        init(_ filter: ReportFilter) {
            var conditions: [String] = []
            var arguments: [String] = []
            if let office = filter.office { conditions.append("office = ?"); arguments.append(office) }
            if let service = filter.service { conditions.append("service = ?"); arguments.append(service) }
            groupClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            groupArguments = arguments
            var days = ""
            var dayArguments: [Int64] = []
            if let from = filter.from { days += " AND submitted_day >= ?"; dayArguments.append(Int64(from.daysSinceEpoch)) }
            if let to = filter.to { days += " AND submitted_day <= ?"; dayArguments.append(Int64(to.daysSinceEpoch)) }
            dayClause = days
            self.dayArguments = dayArguments
        }

        /// The (office, service, status) of each selected group, by number.
        func groups(_ db: Database) throws -> [Int64: (office: String, service: String, status: String)] {
            var keys: [Int64: (office: String, service: String, status: String)] = [:]
            for group in try orderedGroups(db) { keys[group.grp] = (group.office, group.service, group.status) }
            return keys
        }

        /// The selected groups in report order (office, service, status), read in that order from the groups'
        /// unique index: codes are ASCII, so SQLite's byte order is the report's.
        func orderedGroups(_ db: Database) throws -> [(grp: Int64, office: String, service: String, status: String)] {
            let statement = try RawStatement(
                db, "SELECT grp, office, service, status FROM report_groups \(groupClause) ORDER BY office, service, status")
            for (index, text) in groupArguments.enumerated() { try statement.bind(Int32(index + 1), text: text) }
            var groups: [(grp: Int64, office: String, service: String, status: String)] = []
            try statement.query { row in groups.append((row.int64(0), row.text(1) ?? "", row.text(2) ?? "", row.text(3) ?? "")) }
            return groups
        }

        /// `SELECT columns FROM report_facts` over the selection (through the covering index), `tail` appended
        /// (more conditions with `AND`, an `ORDER BY`), its arguments bound. Without an office or service the scan
        /// walks the index once instead of seeking each group.
        func scan(_ db: Database, _ columns: String, _ tail: String = "") throws -> RawStatement {
            let groups = groupClause.isEmpty ? "1" : "grp IN (SELECT grp FROM report_groups \(groupClause))"
            let statement = try RawStatement(
                db, "SELECT \(columns) FROM report_facts INDEXED BY report_facts_by_group WHERE \(groups) \(dayClause) \(tail)")
            var position: Int32 = 1
            for text in groupArguments { try statement.bind(position, text: text); position += 1 }
            for day in dayArguments { try statement.bind(position, day); position += 1 }
            return statement
        }
    }

    /// The applications report: one row per office, service and status, ordered so, refreshed first.
    /// `dataAsOf`: each office's last sync (ms). The whole country's figures (or one service's) come from
    /// ``ReportTotals``, brought up to the index group by group; an office's, or a span of dates', from an ordered
    /// scan of the covering index, read without building GRDB rows.
    public func rows(filter: ReportFilter, dataAsOf: [String: Int64]) async throws -> [ReportRow] {
        try await catchUp()
        let today = Int64(self.today().daysSinceEpoch)
        let selection = Selection(filter)
        let totals = self.totals
        return try await database.read { db in
            let groups = try selection.orderedGroups(db)
            let figures =
                filter.office == nil && filter.from == nil && filter.to == nil
                ? try totals.figures(db, today: today)
                : try ReportTotals.count(selection.scan(db, "grp, decision_days, overdue_from", "ORDER BY grp, decision_days"), today: today)
            var rows: [ReportRow] = []
            rows.reserveCapacity(groups.count)
            for key in groups {
                guard let group = figures[key.grp], group.count > 0 else { continue }
                rows.append(
                    ReportRow(
                        office: key.office, service: key.service, status: key.status, count: group.count, overdue: group.overdue,
                        medianDaysToDecision: group.medianDaysToDecision, dataAsOfMillis: dataAsOf[key.office]))
            }
            return rows
        }
    }

    /// Applications submitted per month (`YYYY-MM`) and service: one scan of the covering index, counted by
    /// service and day under one integer key (a dictionary of strings per row would cost more than the scan).
    public func monthly(filter: ReportFilter) async throws -> [String: [String: Int]] {
        try await catchUp()
        let selection = Selection(filter)
        return try await database.read { db in
            let keys = try selection.groups(db)
            let services = Array(Set(keys.values.map(\.service))).sorted()
            let serviceOf = keys.mapValues { Int64(services.firstIndex(of: $0.service)!) }
            var counts: [Int64: Int] = [:]
            try selection.scan(db, "grp, submitted_day").query { row in
                guard let service = serviceOf[row.int64(0)] else { return }
                counts[service << 32 | row.int64(1), default: 0] += 1
            }
            var months: [String: [String: Int]] = [:]
            for (key, count) in counts {
                let month = String(CivilDate(daysSinceEpoch: Int(key & 0xFFFF_FFFF)).iso.prefix(7))
                months[month, default: [:]][services[Int(key >> 32)], default: 0] += count
            }
            return months
        }
    }

    /// Every pinned site or place (service, status, office and the point only).
    public func sites(filter: ReportFilter) async throws -> [SiteMap.Site] {
        try await catchUp()
        let selection = Selection(filter)
        return try await database.read { db in
            let keys = try selection.groups(db)
            var sites: [SiteMap.Site] = []
            try selection.scan(db, "grp, lat, lon", "AND lat IS NOT NULL ORDER BY grp, record_id").query { row in
                guard let key = keys[row.int64(0)], let point = try? GeoPoint(latitude: row.double(1), longitude: row.double(2)) else { return }
                sites.append(SiteMap.Site(location: point, service: key.service, status: key.status, office: key.office))
            }
            return sites
        }
    }

    /// Every office enrolled with the hub and when it last synced: the latest request from any of its nodes (ms),
    /// revoked ones included (their data still counts); nil if none ever has.
    /// (The peers' own columns only: a national report once spent most of its time counting every node's changes.)
    public func officeSync() async throws -> [String: Int64?] {
        try await store.registry.lastSeenByOffice()
    }
}
