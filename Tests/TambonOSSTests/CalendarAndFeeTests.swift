import TambonCore
import Testing

@testable import TambonOSS

@Suite struct CalendarAndFeeTests {
    @Test func buddhistEraAndFiscalYear() throws {
        let day = try #require(CivilDate(year: 2026, month: 11, day: 26))
        #expect(day.buddhistYear == 2569)
        #expect(day.fiscalYear == 2570, "FY 2570 runs 1 Oct 2569 – 30 Sep 2570")
        #expect(try #require(CivilDate(year: 2026, month: 9, day: 30)).fiscalYear == 2569)
        #expect(try #require(CivilDate(year: 2026, month: 10, day: 1)).fiscalYear == 2570)
        #expect(day.thaiText == "26 พฤศจิกายน 2569")
        #expect(day.thaiShortText == "26 พ.ย. 2569")
    }

    @Test func daysRoundTripAndArithmeticCrossesMonthsAndLeapYears() throws {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(CivilDate(iso: date.iso) == date || date.year < 0 || date.year > 9999)
        }
        let start = try #require(CivilDate(iso: "2028-01-20"))
        #expect(start.adding(days: 45).iso == "2028-03-05", "2028 is a leap year")
        #expect(try #require(CivilDate(iso: "2028-02-29")).adding(years: 1).iso == "2029-02-28")
        #expect(CivilDate(iso: "2026-02-29") == nil)
        #expect(CivilDate(iso: "2026-13-01") == nil)
    }

    @Test func theThaiDayOfAMomentIsTakenAtUTCPlusSeven() {
        // 2026-11-25T17:00:00Z is already 26 November in Thailand.
        let millis: Int64 = 1_795_626_000_000
        #expect(CivilDate(thaiDayOf: millis).iso == "2026-11-26")
        #expect(CivilDate(thaiDayOf: millis - 1).iso == "2026-11-25")
    }

    @Test func moneyIsWrittenWithTwoDecimals() {
        #expect(Money(satang: 6025).decimal == "60.25")
        #expect(Money(baht: 1260).thaiText == "1,260.00 บาท")
        #expect(Money(satang: 5).decimal == "0.05")
    }

    @Test func theDomainFactsExampleFeeIs260Baht() {
        // 120 m² two-storey house → 60 + 200 = 260 ฿.
        let quote = BuildingPermitFees.defaults.quote(area: 120, storeys: 2)
        #expect(quote.planCheckFee == Money(baht: 60) && quote.permitFee == Money(baht: 200) && quote.total == Money(baht: 260))
        #expect(BuildingPermitFees.defaults.quote(area: 100, storeys: 3).planCheckFee == Money(baht: 200))
        #expect(BuildingPermitFees.defaults.quote(area: 100, storeys: 4).planCheckFee == Money(baht: 400))
        #expect(BuildingPermitFees.defaults.quote(area: 120.5, storeys: 1).planCheckFee == Money(satang: 6025))
    }

    @Test func feeTablesPickTheScheduleInForceOnTheDay() throws {
        let waiver = BuildingPermitFees(permitFee: 0, planCheckBands: [.init(maximumStoreys: nil, satangPerSquareMetre: 0)])
        let table = try FeeTable([
            .init(effectiveFrom: try #require(CivilDate(iso: "2021-11-14")), schedule: waiver),
            .init(effectiveFrom: try #require(CivilDate(iso: "2020-01-01")), schedule: BuildingPermitFees.defaults),
            .init(effectiveFrom: try #require(CivilDate(iso: "2022-11-14")), schedule: BuildingPermitFees.defaults),
        ])
        #expect(table.schedule(on: try #require(CivilDate(iso: "2019-12-31"))) == nil)
        #expect(table.schedule(on: try #require(CivilDate(iso: "2021-11-13"))) == BuildingPermitFees.defaults)
        #expect(table.schedule(on: try #require(CivilDate(iso: "2021-11-14"))) == waiver)
        #expect(table.schedule(on: try #require(CivilDate(iso: "2022-11-13"))) == waiver)
        #expect(table.schedule(on: try #require(CivilDate(iso: "2026-11-26"))) == BuildingPermitFees.defaults)
        #expect(throws: FieldError.self) {
            try FeeTable([
                FeeTable<BuildingPermitFees>.Entry(effectiveFrom: CivilDate(iso: "2020-01-01")!, schedule: waiver),
                FeeTable<BuildingPermitFees>.Entry(effectiveFrom: CivilDate(iso: "2020-01-01")!, schedule: waiver),
            ])
        }
    }

    @Test func buildingsOver150SquareMetresAreSentToTheRegularProcedure() throws {
        var details: [String: JSONValue] = [
            "land_title": ["type": "chanote", "number": "12345"], "building_use": "residence", "storeys": 2, "floor_area_m2": 150.5,
            "location": ["lat": 18.7883, "lon": 98.9853],
        ]
        do {
            _ = try BuildingPermitDetails(details)
            Issue.record("150.5 m² was accepted")
        } catch {
            let area = try #require(error["floor_area_m2"])
            #expect(area.thai.contains("สถาปนิก") && area.english.contains("licensed architect"))
        }
        details["floor_area_m2"] = 150
        let accepted = try BuildingPermitDetails(details)
        #expect(accepted.floorArea == 150 && accepted.storeys == 2)
        details["location"] = ["lat": 35.0, "lon": 139.0]
        details["storeys"] = 1.5
        do {
            _ = try BuildingPermitDetails(details)
            Issue.record("accepted")
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["location", "storeys"])
        }
    }
}
