import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The hub's reports on the web: the applications report (JSON and CSV) and its page with server-drawn charts are
/// public open data — counts per office, service and status, nothing about any person; the map of sites needs an
/// operator's session, because a pin with a status points at somebody's home. Operators log in through the same
/// `POST /api/v1/session` as a node's staff.
public struct HubReportWeb: Sendable {
    public let index: ReportIndex
    public let users: UserDirectory
    let sessions: SessionStore
    let throttle: LoginThrottle
    let library: MustacheLibrary

    /// Offices not heard from for this many days are listed as stale.
    public static let staleDays = 7

    public init(store: any HubLog, index: ReportIndex, bcryptCost: UInt8 = 12) {
        self.index = index
        users = UserDirectory(store: store, cost: bcryptCost)
        sessions = SessionStore(clock: store.configuration.wallClock)
        throttle = LoginThrottle(clock: store.configuration.wallClock)
        library = try! ReportTemplates.library()
    }

    var sessionEndpoints: SessionEndpoints { SessionEndpoints(users: users, sessions: sessions, throttle: throttle, secureCookies: true) }

    public func addRoutes(to router: Router<TambonRequestContext>) {
        let api = router.group("api/v1")
        sessionEndpoints.addRoutes(to: api)
        api.get("reports/applications") { request, _ in try await self.applications(request) }
        api.get("reports/sites.geojson") { request, _ in try await self.sites(request) }
        api.get("reports/fees") { request, _ in try await self.fees(request) }
        router.get("/reports") { request, _ in try await self.page(request) }
    }

    /// Every service's code as reports carry it, and what each issues in Thai.
    static let services = ServiceCatalog.services.map(\.rawValue)
    static let names = Dictionary(uniqueKeysWithValues: ServiceCatalog.all.map { ($0.id.rawValue, $0.thaiName) })

    func filter(_ request: Request) throws -> ReportFilter {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        do {
            return try ReportFilter(query: query, services: Self.services)
        } catch let error as ValidationErrors {
            throw WebError(.unprocessable, "invalid_filter", th: "ตัวกรองรายงานไม่ถูกต้อง", en: "invalid report filter", fields: error.errors)
        }
    }

    func applications(_ request: Request) async throws -> Response {
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else {
            throw WebError(
                .unprocessable, "invalid_format", th: "รูปแบบต้องเป็น json หรือ csv", en: "format is json or csv",
                fields: [FieldError("format", th: "รูปแบบต้องเป็น json หรือ csv", en: "format is json or csv")])
        }
        let rows = try await index.rows(filter: try filter(request), dataAsOf: try await index.officeSync().compactMapValues { $0 })
        var headers = try await freshnessHeaders()
        guard format == "csv" else {
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: ReportRow.encoded(rows))))
        }
        headers[.contentType] = "text/csv; charset=utf-8; header=present"
        headers[.contentDisposition] = "attachment; filename=\"tambon-applications.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ReportCSV.encode(rows))))
    }

    /// The fiscal year of `?fiscal_year=` (Buddhist Era), or the current one; its months, October to September.
    func feeYear(_ request: Request) throws -> (year: Int, from: BillingPeriod, through: BillingPeriod) {
        let year: Int
        if let text = request.uri.queryParameters["fiscal_year"] {
            guard let value = Int(text), (2550...2700).contains(value) else {
                throw WebError(
                    .unprocessable, "invalid_filter", th: "ปีงบประมาณต้องเป็น พ.ศ. เช่น 2570", en: "fiscal_year is a Buddhist Era year such as 2570",
                    fields: [FieldError("fiscal_year", th: "ปีงบประมาณต้องเป็น พ.ศ. เช่น 2570", en: "fiscal_year is a Buddhist Era year")])
            }
            year = value
        } else {
            year = index.today().fiscalYear
        }
        return (year, BillingPeriod(buddhistYear: year - 1, month: 10)!, BillingPeriod(buddhistYear: year, month: 9)!)
    }

    /// `GET /api/v1/reports/fees?fiscal_year=2570`: each office's fees billed and collected in the fiscal year, in
    /// satang, with the collection rate in tenths of a percent. Sums only: open data like the applications report.
    func fees(_ request: Request) async throws -> Response {
        let (year, from, through) = try feeYear(request)
        let totals = try await index.feeTotals(from: from, through: through)
        let offices: [JSONValue] = totals.keys.sorted().map { office in
            let total = totals[office]!
            var row: [String: JSONValue] = [
                "office": .string(office), "billed_satang": .number(Double(total.billed)), "collected_satang": .number(Double(total.collected)),
            ]
            row["collection_permille"] = total.billed > 0 ? .number(Double(total.collected * 1_000 / total.billed)) : .null
            return .object(row)
        }
        return JSONResponse.make(["fiscal_year": .number(Double(year)), "offices": .array(offices)])
    }

    func sites(_ request: Request) async throws -> Response {
        guard let session = await sessionEndpoints.session(of: request) else { throw WebError.unauthenticated }
        guard session.role == .admin else {
            throw WebError(.forbidden, "forbidden", th: "เฉพาะผู้ดูแลศูนย์กลางเท่านั้น", en: "hub operators (admin) only")
        }
        let sites = try await index.sites(filter: try filter(request))
        var headers = try await freshnessHeaders()
        headers[.contentType] = "application/geo+json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: SiteMap.encoded(sites))))
    }

    /// `Tambon-Report-Behind: true` when the index has not read everything the log holds: right after a burst of
    /// changes, a report answers at once from what is indexed rather than wait for the backlog (``ReportIndex/catchUp()``).
    static let behindHeader = HTTPField.Name("Tambon-Report-Behind")!

    func freshnessHeaders() async throws -> HTTPFields {
        var headers = HTTPFields()
        if try await index.isBehind() { headers[Self.behindHeader] = "true" }
        return headers
    }

    // MARK: - The page

    static let serviceColors = ["building-permit": "#23395d", "food-certificate": "#c0712b"]

    func page(_ request: Request) async throws -> Response {
        let filter: ReportFilter
        do {
            filter = try self.filter(request)
        } catch let error as WebError {
            return render(["error": error.fields.map(\.thai).joined(separator: " · ")], status: .unprocessableContent)
        }
        let officeSync = try await index.officeSync()
        let lastSync = officeSync.compactMapValues { $0 }
        let rows = try await index.rows(filter: filter, dataAsOf: lastSync)
        let monthly = try await index.monthly(filter: filter)
        let damaged = try await index.damagedCounts(filter: filter)
        let months = monthly.keys.sorted().suffix(24)
        let monthChart = SVGChart.stackedColumns(
            title: "คำขอต่อเดือน แยกตามบริการ (Applications per month by service)", categories: Array(months),
            series: Self.services.map { service in
                SVGChart.Series(
                    name: Self.names[service] ?? service, color: Self.serviceColors[service] ?? "#555",
                    values: months.map { monthly[$0]?[service] ?? 0 })
            })
        var byOffice: [String: (count: Int, overdue: Int, decided: Int)] = [:]
        var byServiceStatus: [String: Int] = [:]
        for row in rows {
            var total = byOffice[row.office] ?? (0, 0, 0)
            total.count += row.count
            total.overdue += row.overdue
            if row.medianDaysToDecision != nil { total.decided += row.count }
            byOffice[row.office] = total
            byServiceStatus[row.service + "\u{1}" + row.status, default: 0] += row.count
        }
        let overdueChart = SVGChart.bars(
            title: "คำขอที่เกินกำหนด แยกตามสำนักงาน 20 อันดับแรก (Overdue by office, top 20)",
            items: byOffice.filter { $0.value.overdue > 0 }.sorted { ($1.value.overdue, $0.key) < ($0.value.overdue, $1.key) }.prefix(20)
                .map { (label: $0.key, value: $0.value.overdue) },
            color: "#b00020")
        let staleBefore = index.store.configuration.wallClock() - Int64(Self.staleDays) * 86_400_000
        let stale = officeSync.filter { ($0.value ?? 0) < staleBefore }.sorted { ($0.value ?? 0, $0.key) < ($1.value ?? 0, $1.key) }
        var values: [String: Any] = [
            "monthChart": monthChart, "overdueChart": overdueChart,
            "national": byServiceStatus.keys.sorted().map { key -> [String: Any] in
                let parts = key.split(separator: "\u{1}").map(String.init)
                return [
                    "service": Self.names[parts[0]] ?? parts[0], "status": ApplicationStatus(rawValue: parts[1]).thai, "count": byServiceStatus[key]!,
                ]
            },
            "offices": byOffice.keys.sorted().map { office -> [String: Any] in
                let total = byOffice[office]!
                let seen = lastSync[office]
                return [
                    "office": office, "count": total.count, "overdue": total.overdue, "decided": total.decided,
                    "asOf": seen.map(CivilDate.thaiTime) ?? "ไม่เคยซิงก์",
                    "stale": (seen ?? 0) < staleBefore,
                ]
            },
            "stale": stale.map { ["office": $0.key, "asOf": $0.value.map(CivilDate.thaiTime) ?? "ไม่เคยซิงก์"] },
            "staleDays": Self.staleDays,
            "hasDamaged": !damaged.isEmpty, "damagedTotal": damaged.values.reduce(0, +),
            "damaged": damaged.sorted { $0.key < $1.key }.prefix(50).map { ["office": $0.key, "count": $0.value] },
            "filterFrom": filter.from?.iso ?? "", "filterTo": filter.to?.iso ?? "",
            "services": Self.services.map { ["value": $0, "label": Self.names[$0] ?? $0, "selected": $0 == filter.service] },
            "csvQuery": Self.query(filter, csv: true),
            "behind": try await index.isBehind(),
        ]
        let (year, from, through) = try feeYear(request)
        let fees = try await index.feeTotals(from: from, through: through)
        values["feeYear"] = year
        values["fees"] = fees.keys.sorted().map { office -> [String: Any] in
            let total = fees[office]!
            let permille = total.billed > 0 ? total.collected * 1_000 / total.billed : nil
            return [
                "office": office, "billed": Money(satang: total.billed).decimal, "collected": Money(satang: total.collected).decimal,
                "rate": permille.map { "\($0 / 10).\($0 % 10)%" } ?? "–",
            ]
        }
        if let office = filter.office {
            values["office"] = office
            values["officeRows"] = rows.map { row -> [String: Any] in
                [
                    "service": Self.names[row.service] ?? row.service, "status": ApplicationStatus(rawValue: row.status).thai, "count": row.count,
                    "overdue": row.overdue, "median": row.medianDaysToDecision.map { String($0) } ?? "–",
                ]
            }
            values["officeAsOf"] = lastSync[office].map(CivilDate.thaiTime) ?? "ไม่เคยซิงก์"
        }
        return render(values, status: .ok)
    }

    static func query(_ filter: ReportFilter, csv: Bool) -> String {
        var parts: [String] = csv ? ["format=csv"] : []
        if let office = filter.office { parts.append("office=" + office) }
        if let service = filter.service { parts.append("service=" + service) }
        if let from = filter.from { parts.append("from=" + from.iso) }
        if let to = filter.to { parts.append("to=" + to.iso) }
        return parts.joined(separator: "&")
    }

    func render(_ values: [String: Any], status: HTTPResponse.Status) -> Response {
        var context = values
        context["title"] = "รายงานระดับประเทศ"
        let html = library.render(context, withTemplate: "reports") ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
