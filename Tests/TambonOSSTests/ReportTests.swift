import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonOSS

@Suite struct ReportTests {
    static let day = CivilDate(iso: "2026-11-26")!

    func fact(
        _ status: String, office: String = "5001", service: String = "building-permit", submitted: Int = -30, decided: Int? = nil,
        due: Int? = nil, paused: Bool = false
    ) -> ReportFact {
        ReportFact(
            office: office, service: service, status: status, submittedOn: Self.day.adding(days: submitted),
            decidedOn: decided.map { Self.day.adding(days: $0) }, dueOn: due.map { Self.day.adding(days: $0) }, paused: paused)
    }

    @Test func overdueMeansPastTheLegalDeadline() {
        #expect(fact("accepted", due: -1).isOverdue(on: Self.day), "running, deadline yesterday")
        #expect(!fact("accepted", due: 0).isOverdue(on: Self.day), "the deadline day itself is still in time")
        #expect(!fact("returned", due: -10, paused: true).isOverdue(on: Self.day), "paused: the applicant's turn")
        #expect(fact("approved", decided: -5, due: -8).isOverdue(on: Self.day), "decided three days late")
        #expect(!fact("approved", decided: -5, due: -5).isOverdue(on: Self.day), "decided on the deadline")
        #expect(!fact("submitted").isOverdue(on: Self.day), "no clock yet")
        #expect(fact("approved", submitted: -30, decided: -10).daysToDecision == 20)
    }

    @Test func medianOfOddEvenAndNone() {
        #expect(ApplicationReport.median([]) == nil)
        #expect(ApplicationReport.median([7]) == 7)
        #expect(ApplicationReport.median([1, 2, 9]) == 2)
        #expect(ApplicationReport.median([1, 2, 4, 9]) == 3)
        #expect(ApplicationReport.median([1, 2]) == 1.5)
    }

    @Test func rowsGroupByOfficeServiceAndStatusAndFilter() {
        let facts = [
            fact("approved", office: "5001", service: "building-permit", submitted: -40, decided: -30, due: -35),
            fact("approved", office: "5001", service: "building-permit", submitted: -40, decided: -36, due: -35),
            fact("approved", office: "5001", service: "building-permit", submitted: -20, decided: -2, due: 5),
            fact("accepted", office: "5001", service: "building-permit", submitted: -60, due: -15),
            fact("accepted", office: "5002", service: "food-certificate", submitted: -3, due: 4),
        ]
        let rows = ApplicationReport.rows(from: facts, on: Self.day, dataAsOf: ["5001": 1_795_626_000_000])
        #expect(
            rows.map { "\($0.office)/\($0.service)/\($0.status)" } == [
                "5001/building-permit/accepted", "5001/building-permit/approved", "5002/food-certificate/accepted",
            ])
        #expect(rows[1].count == 3 && rows[1].overdue == 1 && rows[1].medianDaysToDecision == 10)
        #expect(rows[0].overdue == 1 && rows[0].medianDaysToDecision == nil && rows[0].dataAsOfMillis == 1_795_626_000_000)
        #expect(rows[2].dataAsOfMillis == nil, "an office that never synced says so")
        let recent = ApplicationReport.rows(from: facts, filter: ReportFilter(from: Self.day.adding(days: -25), to: Self.day), on: Self.day)
        #expect(recent.map(\.count) == [1, 1])
        #expect(ApplicationReport.rows(from: facts, filter: ReportFilter(office: "5002"), on: Self.day).count == 1)
        #expect(ApplicationReport.rows(from: facts, filter: ReportFilter(service: "food-certificate"), on: Self.day).map(\.office) == ["5002"])
    }

    @Test func filtersFromAQueryAreCheckedAllAtOnce() throws {
        let services = ["building-permit", "food-certificate"]
        let filter = try ReportFilter(
            query: ["office": "5001", "service": "food-certificate", "from": "2026-01-01", "to": "2026-06-30"], services: services)
        #expect(
            filter == ReportFilter(office: "5001", service: "food-certificate", from: CivilDate(iso: "2026-01-01"), to: CivilDate(iso: "2026-06-30")))
        #expect(try ReportFilter(query: ["office": "", "from": ""], services: services) == ReportFilter(), "empty form fields mean no filter")
        #expect {
            try ReportFilter(query: ["office": "50'01", "service": "pets", "from": "2026-13-01", "to": "01/02/2026"], services: services)
        } throws: { error in
            (error as? ValidationErrors)?.errors.map(\.field) == ["office", "service", "from", "to"]
        }
        #expect { try ReportFilter(query: ["from": "2026-06-01", "to": "2026-01-01"], services: services) } throws: { error in
            (error as? ValidationErrors)?.errors.map(\.field) == ["to"]
        }
    }

    @Test func csvHasTheContractHeaderAndEscapes() {
        let rows = [
            ReportRow(
                office: "5001", service: "building-permit", status: "approved", count: 3, overdue: 1, medianDaysToDecision: 10.5,
                dataAsOfMillis: 1_795_626_000_000),
            ReportRow(office: "50,02", service: "=cmd()", status: "a\"b", count: 1, overdue: 0, medianDaysToDecision: nil, dataAsOfMillis: nil),
        ]
        let lines = ReportCSV.encode(rows).components(separatedBy: "\r\n")
        #expect(lines[0] == "office,service,status,count,overdue,median_days_to_decision,data_as_of")
        #expect(lines[1] == "5001,building-permit,approved,3,1,10.5,2026-11-26T00:00:00+07:00")
        #expect(lines[2] == "\"50,02\",'=cmd(),\"a\"\"b\",1,0,,")
        #expect(lines[3] == "" && lines.count == 4, "every line ends with CRLF")
        // A leading tab or carriage return starts a formula in some spreadsheets too.
        let hidden = [
            ReportRow(office: "\t=1+1", service: "\r=cmd()", status: "-", count: 1, overdue: 0, medianDaysToDecision: nil, dataAsOfMillis: nil)
        ]
        #expect(ReportCSV.encode(hidden).components(separatedBy: "\r\n")[1] == "'\t=1+1,\"'\r=cmd()\",'-,1,0,,")
    }

    @Test func directEncodingsMatchTheCanonicalJSONOfTheValues() throws {
        var random = SeededGenerator(seed: 7)
        // An office's rows are adjacent and share its last sync (formatted once), some offices never synced.
        let rows = (0..<50).map { index in
            let office = index / 3
            return ReportRow(
                office: "50\(office)", service: index % 2 == 0 ? "building-permit" : "food-\"certificate\"", status: "approved",
                count: Int.random(in: 1...500, using: &random), overdue: Int.random(in: 0...5, using: &random),
                medianDaysToDecision: index % 3 == 0 ? nil : Double(Int.random(in: 0...90, using: &random)) / 2,
                dataAsOfMillis: office % 4 == 0 ? nil : 1_700_000_000_000 + Int64(office) * 86_400_123)
        }
        #expect(ReportRow.encoded(rows) == CanonicalJSON.encode(.object(["rows": .array(rows.map(\.json))])))
        let sites = try (0..<50).map { index in
            SiteMap.Site(
                location: try GeoPoint(latitude: Double.random(in: 6...20, using: &random), longitude: Double.random(in: 98...105, using: &random)),
                service: "food-certificate", status: "approved", office: "50\(index)")
        }
        #expect(SiteMap.encoded(sites) == CanonicalJSON.encode(SiteMap.featureCollection(sites)))
        guard case .object(let collection) = SiteMap.featureCollection(Array(sites.prefix(1))), case .array(let features)? = collection["features"],
            case .object(let feature) = features[0], case .object(let geometry)? = feature["geometry"],
            case .array(let point)? = geometry["coordinates"]
        else { Issue.record("not a FeatureCollection"); return }
        #expect(collection["type"] == "FeatureCollection" && geometry["type"] == "Point")
        #expect(point[0].numberValue! > 97 && point[1].numberValue! < 21, "RFC 7946: longitude first")
        #expect(Set(feature["properties"]?.objectValue?.keys.map { $0 } ?? []) == ["service", "status", "office"])
    }
}
