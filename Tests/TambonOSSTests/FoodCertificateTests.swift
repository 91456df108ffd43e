import TambonCore
import Testing

@testable import TambonOSS

@Suite struct FoodCertificateTests {
    typealias T = BuildingPermitWorkflowTests
    static let workflow = FoodCertificateWorkflow()
    static let details: [String: JSONValue] = [
        "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "selling", "area_m2": 48, "in_market": false, "workers": 3,
        "address": "99 หมู่ 2 ต.แม่เหียะ", "location": ["lat": 18.7601, "lon": 98.9402],
    ]

    @Test func overTwoHundredSquareMetresOrInAMarketNeedsALicence() throws {
        #expect(try FoodCertificateDetails(Self.details).placeKind == .selling)
        for (key, value, field) in [("area_m2", JSONValue.number(200.5), "area_m2"), ("in_market", .bool(true), "in_market")] {
            var details = Self.details
            details[key] = value
            do {
                _ = try FoodCertificateDetails(details)
                Issue.record("\(key) accepted")
            } catch {
                let refusal = try #require(error[field])
                #expect(refusal.thai.contains("ใบอนุญาต") && refusal.english.contains("licence"))
            }
        }
        var exactly = Self.details
        exactly["area_m2"] = 200
        #expect(throws: Never.self) { try FoodCertificateDetails(exactly) }
        var broken = Self.details
        broken["place_kind"] = "restaurant"
        broken["workers"] = 2.5
        do {
            _ = try FoodCertificateDetails(broken)
            Issue.record("accepted")
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["place_kind", "workers"])
        }
    }

    @Test func aCertificateIsIssuedRenewedReplacedAndRevoked() throws {
        var events = [
            T.event("submit", day: 0, tick: 0, by: "citizen", role: .citizen, [:]),
            T.event("accept", day: 1, tick: 0, by: "officer-1", role: .officer, [:]),
        ]
        events.append(T.event("approve", day: 3, tick: 0, by: "officer-1", role: .officer, ["number": "5/2569"]))
        events.append(T.event("renew", day: 370, tick: 0, by: "officer-1", role: .officer, ["year": 2570]))
        events.append(T.event("renew", day: 371, tick: 0, by: "officer-1", role: .officer, ["year": 2570], id: "renew-twice"))
        events.append(T.event("replace", day: 400, tick: 0, by: "officer-1", role: .officer, ["reason": "หาย"]))
        events.append(T.event("revoke", day: 420, tick: 0, by: "officer-1", role: .officer, ["reason": "ไม่ผ่านสุขลักษณะ"]))
        events.append(T.event("renew", day: 430, tick: 0, by: "officer-1", role: .officer, ["year": 2571]))
        let timeline = Timeline(events: events, workflow: Self.workflow)
        #expect(timeline.entries.map(\.applied) == [true, true, true, true, false, true, true, false])
        let state = timeline.state
        #expect(state.status == .revoked && state.number == OfficialNumber(sequence: 5, year: 2569), "the number survives a replacement")
        #expect(state.renewedYears == [2569, 2570] && state.replacements == 1)
        #expect(state.clock.daysToDecision == 2)
    }

    @Test func closureIsTheOperatorsOrTheOfficesAndEndsTheCertificate() throws {
        let approved = [
            T.event("submit", day: 0, tick: 0, by: "citizen", role: .citizen, [:]),
            T.event("accept", day: 1, tick: 0, by: "officer-1", role: .officer, [:]),
            T.event("approve", day: 2, tick: 0, by: "officer-1", role: .officer, ["number": "1/2569"]),
        ]
        let closed = Timeline(
            events: approved + [T.event("notify-closure", day: 30, tick: 0, by: "citizen", role: .citizen, [:])], workflow: Self.workflow)
        #expect(closed.state.status == .closed)
        #expect(throws: ActionRefusal.self) {
            try closed.trying(T.event("replace", day: 31, tick: 0, by: "officer-1", role: .officer, [:]), workflow: Self.workflow)
        }
        let early = Timeline(events: [T.event("submit", day: 0, tick: 0, by: "citizen", role: .citizen, [:])], workflow: Self.workflow)
        #expect(throws: ActionRefusal.self) {
            try early.trying(T.event("approve", day: 1, tick: 0, by: "officer-1", role: .officer, ["number": "1/2569"]), workflow: Self.workflow)
        }
        #expect(throws: ActionRefusal.self) {
            try early.trying(T.event("revoke", day: 1, tick: 0, by: "officer-1", role: .officer, ["reason": "x"]), workflow: Self.workflow)
        }
    }

    @Test func lateFeesCarryTheConfiguredSurcharge() throws {
        let notified = try #require(CivilDate(iso: "2026-03-15"))
        let due = FoodCertificateFees.dueDate(notifiedOn: notified, year: 1)
        #expect(due.iso == "2027-03-15")
        let fees = FoodCertificateFees(annualFee: 100)
        #expect(fees.amount(due: due, paid: due) == Money(baht: 100))
        #expect(fees.amount(due: due, paid: due.adding(days: 1)) == Money(baht: 120))
        #expect(
            FoodCertificateFees(annualFee: Money(satang: 2550), lateSurchargePercent: 15).amount(due: due, paid: due.adding(days: 30))
                == Money(satang: 2933))
    }

    @Test func yearlyFeesFallDueWithReceiptsWaiversAndSurcharges() throws {
        // Notified on day 0, approved on day 3; renewed for the next year; the first year paid at issue.
        var events = [
            T.event("submit", day: 0, tick: 0, by: "citizen", role: .citizen, [:]),
            T.event("accept", day: 1, tick: 0, by: "officer-1", role: .officer, [:]),
            T.event("approve", day: 3, tick: 0, by: "officer-1", role: .officer, ["number": "5/2569"]),
        ]
        events.append(T.event("record-payment", day: 3, tick: 1, by: "officer-1", role: .officer, ["year": 2569, "receipt": "  เล่ม 12  เลขที่ 345 "]))
        events.append(T.event("record-payment", day: 4, tick: 0, by: "officer-1", role: .officer, ["year": 2569, "receipt": "again"], id: "twice"))
        events.append(T.event("record-payment", day: 4, tick: 1, by: "officer-1", role: .officer, ["year": 2571, "receipt": "x"], id: "not-due"))
        events.append(T.event("record-payment", day: 4, tick: 2, by: "officer-1", role: .officer, ["year": 2569], id: "no-receipt"))
        events.append(T.event("renew", day: 300, tick: 0, by: "officer-1", role: .officer, ["year": 2570]))
        let timeline = Timeline(events: events, workflow: Self.workflow)
        #expect(timeline.entries.map(\.applied) == [true, true, true, true, false, false, false, true])
        let state = timeline.state
        #expect(state.payments[2569]?.receipt == "เล่ม 12 เลขที่ 345")

        let notified = events[0].date
        let table = try FeeTable([
            .init(effectiveFrom: CivilDate(iso: "2020-01-01")!, schedule: FoodCertificateFees(annualFee: 100)),
            .init(effectiveFrom: notified.adding(years: 2), schedule: FoodCertificateFees(annualFee: 0, lateSurchargePercent: 0)),
        ])
        let onTime = FoodCertificateDues(notifiedOn: notified, state: state, fees: table, on: notified.adding(days: 10))
        #expect(onTime.dues.map(\.year) == [2569, 2570])
        #expect(onTime.dues[0].dueOn == notified.adding(days: 3), "the first year falls due when the certificate is issued")
        #expect(onTime.dues[0].amount == Money(baht: 100) && !onTime.dues[0].isLate && onTime.dues[0].payment != nil)
        #expect(onTime.dues[1].dueOn == notified.adding(years: 1), "then on the notification date each year")
        #expect(onTime.outstanding == Money(baht: 100))
        let late = FoodCertificateDues(notifiedOn: notified, state: state, fees: table, on: notified.adding(years: 1).adding(days: 1))
        #expect(late.dues[1].amount == Money(baht: 120) && late.dues[1].isLate, "unpaid after its due date: 20 % more")

        // A waiver from the third year: a renewal for it costs nothing.
        let waived = Timeline(
            events: events + [T.event("renew", day: 700, tick: 0, by: "officer-1", role: .officer, ["year": 2571])], workflow: Self.workflow)
        let dues = FoodCertificateDues(notifiedOn: notified, state: waived.state, fees: table, on: notified.adding(years: 3))
        #expect(dues.dues.last?.amount == .zero)
    }

    @Test func eachYearsFeeIsBillableUntilTheWorkflowRecordsItPaid() throws {
        let events = [
            T.event("submit", day: 0, tick: 0, by: "citizen", role: .citizen, [:]),
            T.event("accept", day: 1, tick: 0, by: "officer-1", role: .officer, [:]),
            T.event("approve", day: 3, tick: 0, by: "officer-1", role: .officer, ["number": "5/2569"]),
            T.event("renew", day: 300, tick: 0, by: "officer-1", role: .officer, ["year": 2570]),
            T.event("record-payment", day: 301, tick: 0, by: "officer-1", role: .officer, ["year": 2569, "receipt": "ใบเสร็จ 1/2569"]),
        ]
        let state = Timeline(events: events, workflow: Self.workflow).state
        var settings = FoodCertificateService.defaultSettings
        settings.fees = try FeeTable([.init(effectiveFrom: CivilDate(iso: "2020-01-01")!, schedule: FoodCertificateFees(annualFee: 100))])
        let notified = events[0].date
        let fees = FoodCertificateService.billableFees(
            settings: settings, state: state, fees: [:], submittedOn: notified, on: notified.adding(days: 310))
        #expect(fees.map(\.key) == ["F69", "F70"] && fees.map(\.recordedPaid) == [true, false])
        #expect(fees.map(\.amount) == [Money(baht: 120), Money(baht: 100)], "2569's fee was paid late: 20 % more")
        // The filing itself costs nothing: a building permit's default (the filing fee, once) does not apply.
        #expect(
            BuildingPermitService.billableFees(
                settings: BuildingPermitService.defaultSettings, state: state, fees: ["total": 25_000], submittedOn: notified, on: notified
            ).map(\.amount)
                == [Money(satang: 25_000)])
    }
}
