import TambonCore
import TambonOSS
import TambonReports
import TambonStore
import TambonTestSupport
import Testing

@testable import TambonOffice

/// A third service plugged in from this folder alone: the catalog line below is the only registration, and the
/// frame (filing, fees, workflow, numbering, views, queue, settings, the hub's report index, generated data) takes
/// it as it takes the two real services.
@Suite struct ThirdServiceTests {
    /// The catalog line.
    static let services = ServiceCatalog.all + [SignboardPermitService.self]

    static let sign: [String: JSONValue] = ["width_m": 2, "height_m": 1.5, "location": ["lat": 18.76, "lon": 98.93]]

    @Test func aPluggedInServiceIsFiledActedOnNumberedAndQueued() async throws {
        let office = try await OfficeFixture(catalog: ServiceCatalog(services: Self.services))
        let filed = try await office.book.submit(service: .signboardPermit, applicant: OfficeFixture.applicant, details: Self.sign)
        #expect(filed.service == .signboardPermit && filed.state.status == .submitted)
        #expect(filed.fees["total"] == 60_000, "3 m² at 200 baht, in satang")
        try await office.book.act(on: filed.id, action: .accept, payload: [:], actor: "somsri", role: .officer)
        #expect(try await office.book.application(filed.id).deadline(on: office.book.today()) == office.book.today().adding(days: 15))
        let approved = try await office.book.act(on: filed.id, action: .approve, payload: [:], actor: "somsri", role: .officer)
        #expect(approved.state.status == .approved && approved.isClosed)
        #expect(approved.state.number?.description == "1/2569", "the office's own register numbers it, per service")
        await #expect { try await office.book.act(on: filed.id, action: "extend", payload: [:], actor: "somsri", role: .officer) } throws: {
            ($0 as? OfficeError)?.code == "invalid_for_status"
        }
        let queued = try await office.book.queue(office: "5001", service: .signboardPermit).applications
        #expect(queued.map(\.id) == [filed.id])
        #expect(approved.officeView(on: office.book.today()).objectValue?["fees_due"] == nil, "no service-specific extras it did not declare")
    }

    @Test func itsDetailsAreCheckedFieldByFieldAndNothingIsStored() async throws {
        let office = try await OfficeFixture(catalog: ServiceCatalog(services: Self.services))
        let before = try await office.store.statistics().changes
        await #expect {
            try await office.book.submit(service: .signboardPermit, applicant: OfficeFixture.applicant, details: ["width_m": 0, "height_m": 1e300])
        } throws: { error in
            guard let error = error as? OfficeError else { return false }
            return error.kind == .unprocessable && Set(error.fields.map(\.field)) == ["width_m", "height_m"]
        }
        #expect(try await office.store.statistics().changes == before)
    }

    @Test func aNodeWithoutThePlugInRefusesItsApplications() async throws {
        let office = try await OfficeFixture()
        await #expect {
            try await office.book.submit(service: .signboardPermit, applicant: OfficeFixture.applicant, details: Self.sign)
        } throws: { error in
            guard let error = error as? OfficeError else { return false }
            return error.kind == .unprocessable && error.fields.map(\.field) == ["service"]
        }
    }

    @Test func itsSettingsLiveInTheOfficeDocumentBesideTheOthers() async throws {
        let office = try await OfficeFixture()
        let document: JSONValue = [
            "signboard_permit": ["period_days": 30, "satang_per_square_metre": 10_000], "food_certificate": ["period_days": 10],
        ]
        let catalog = try await OfficeSettings.save(document, to: office.store, services: Self.services)
        #expect(catalog.settings(SignboardPermitService.self) == .init(periodDays: 30, satangPerSquareMetre: 10_000))
        #expect(catalog.settings(FoodCertificateService.self).periodDays == 10)
        let loaded = try await OfficeSettings.load(from: office.store, services: Self.services)
        #expect(loaded.settings(SignboardPermitService.self).periodDays == 30)
        let stored = try OfficeSettings.value(of: loaded)
        #expect(stored.objectValue?["signboard_permit"]?.objectValue?["period_days"] == 30, "written back with the others")
        await #expect {
            try await OfficeSettings.save(["signboard_permit": ["period_days": 0]], to: office.store, services: Self.services)
        } throws: { ($0 as? OfficeError)?.code == "invalid_settings" }
    }

    @Test func theHubsReportIndexAndGeneratedDataTakeIt() async throws {
        let office = try await OfficeFixture(catalog: ServiceCatalog(services: Self.services))
        var generator = SeededGenerator(seed: 11)
        let edits = (0..<30).map { index in
            SyntheticApplication.edit(
                collection: ApplicationRecord.collection, office: "5001", index: index, now: office.clock.now, withinDays: 60,
                random: &generator, services: [SignboardPermitService.self])
        }
        try await office.store.transaction { _ in edits }
        _ = try await office.book.submit(service: .signboardPermit, applicant: OfficeFixture.applicant, details: Self.sign)
        let index = try ReportIndex(store: office.store, services: Self.services)
        let rows = try await index.rows(filter: ReportFilter(service: SignboardPermitService.id.rawValue), dataAsOf: [:])
        #expect(rows.reduce(0) { $0 + $1.count } == 31, "every generated application and the filed one")
        #expect(Set(rows.map(\.service)) == [SignboardPermitService.id.rawValue])
        let withoutPlugIn = try ReportIndex(store: office.store, services: ServiceCatalog.all)
        #expect(try await withoutPlugIn.rows(filter: ReportFilter(), dataAsOf: [:]).isEmpty, "a hub without the plug-in skips what it cannot read")
    }
}
