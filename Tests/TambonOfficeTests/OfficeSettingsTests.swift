import TambonCore
import TambonOSS
import TambonStore
import Testing

@testable import TambonOffice

@Suite struct OfficeSettingsTests {
    @Test func settingsAreStoredCheckedAndUsedForFeesAndPeriods() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: "5001", name: "office")
        #expect(
            try await OfficeSettings.load(from: store).settings(BuildingPermitService.self).permit == BuildingPermitSettings(), "defaults until set")

        // A waiver year, then the office's own plan-check rate of 1 baht/m² for every height; a shorter period.
        let value: JSONValue = [
            "building_permit": ["period_days": 30, "inspection_waived": true],
            "building_permit_fees": [
                [
                    "effective_from": "2020-01-01",
                    "schedule": ["permit_fee": 0, "plan_check_bands": [["maximum_storeys": nil, "satang_per_square_metre": 0]]],
                ],
                [
                    "effective_from": "2021-01-01",
                    "schedule": ["permit_fee": 20000, "plan_check_bands": [["maximum_storeys": nil, "satang_per_square_metre": 100]]],
                ],
            ],
        ]
        try await OfficeSettings.save(value, to: store)
        let catalog = try await OfficeSettings.load(from: store)
        let permit = catalog.settings(BuildingPermitService.self).permit
        #expect(permit.periodDays == 30 && permit.inspectionWaived && permit.extensionDays == 45)
        let today = try #require(CivilDate(iso: "2026-11-26"))
        let waiverDay = try #require(CivilDate(iso: "2020-06-01"))
        let fees = try #require(catalog.settings(BuildingPermitService.self).fees.schedule(on: today))
        #expect(fees.quote(area: 120, storeys: 2).total == Money(baht: 320))
        #expect(catalog.settings(BuildingPermitService.self).fees.schedule(on: waiverDay)?.quote(area: 120, storeys: 2).total == .zero)
        // The stored form round-trips.
        #expect(
            try OfficeSettings.catalog(from: OfficeSettings.value(of: catalog)).settings(BuildingPermitService.self).fees
                == catalog.settings(BuildingPermitService.self).fees)

        let changes = try await store.statistics().changes
        for bad: JSONValue in [
            ["building_permit": ["period_days": 0]],
            ["building_permit": ["maximum_area_square_metres": 300]],
            ["building_permit_fees": []],
            ["building_permit_fees": [["effective_from": "2021-13-01", "schedule": ["permit_fee": 1, "plan_check_bands": []]]]],
            ["building_permit_fees": [["effective_from": "2021-01-01", "schedule": ["permit_fee": -5, "plan_check_bands": []]]]],
            ["building_permit": ["period_days": "forty-five"]],
        ] {
            await #expect { try await OfficeSettings.save(bad, to: store) } throws: { ($0 as? OfficeError)?.code == "invalid_settings" }
        }
        #expect(try await store.statistics().changes == changes, "refused settings write nothing")
    }

    @Test func foodCertificateSettingsAndTheSignatory() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: "5001", name: "office")
        let value: JSONValue = [
            "food_certificate": ["period_days": 10],
            "food_certificate_fees": [["effective_from": "2021-01-01", "schedule": ["annual_fee": 5000, "late_surcharge_percent": 25]]],
            "signatory": ["name": "นายสมหมาย ใจงาม", "title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ"],
        ]
        try await OfficeSettings.save(value, to: store)
        let catalog = try await OfficeSettings.load(from: store)
        #expect(catalog.settings(FoodCertificateService.self).periodDays == 10 && catalog.signatory?.title == "นายกองค์การบริหารส่วนตำบลแม่เหียะ")
        let schedule = try #require(catalog.settings(FoodCertificateService.self).fees.schedule(on: CivilDate(iso: "2026-11-26")!))
        #expect(schedule.annualFee == Money(baht: 50) && schedule.lateSurchargePercent == 25)
        #expect((catalog.workflow("food-certificate") as? FoodCertificateWorkflow)?.periodDays == 10)
        let again = try OfficeSettings.catalog(from: OfficeSettings.value(of: catalog))
        let food = catalog.settings(FoodCertificateService.self)
        #expect(again.settings(FoodCertificateService.self) == food && again.signatory == catalog.signatory && food.periodDays == 10)

        let changes = try await store.statistics().changes
        for bad: JSONValue in [
            ["food_certificate": ["period_days": 0]],
            ["food_certificate_fees": [["effective_from": "2021-01-01", "schedule": ["annual_fee": -1, "late_surcharge_percent": 20]]]],
            ["food_certificate_fees": [["effective_from": "2021-01-01", "schedule": ["annual_fee": 100, "late_surcharge_percent": 150]]]],
            ["signatory": ["name": "", "title": "นายก"]],
        ] {
            await #expect { try await OfficeSettings.save(bad, to: store) } throws: { ($0 as? OfficeError)?.kind == .unprocessable }
        }
        #expect(try await store.statistics().changes == changes, "a refused setting stores nothing")
    }
}
