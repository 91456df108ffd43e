import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonOSS

/// The pure rules of fee billing: payers and their CSV, the monthly bill, the ledger, bank confirmations and their
/// match.
@Suite struct BillingTests {
    static let october = BillingPeriod("2569-10")!
    static let issued = CivilDate(iso: "2026-10-01")!

    static func settings(surcharge: Int = 0) throws -> BillingSettings {
        var settings = BillingSettings.standard
        settings.taxId = "0994000165501"
        settings.lateSurchargePercent = surcharge
        settings.garbageRates = try FeeTable([.init(effectiveFrom: CivilDate(iso: "2020-01-01")!, schedule: ["household": .init(monthly: 2000)])])
        settings.wastewaterRates = try FeeTable([
            .init(
                effectiveFrom: CivilDate(iso: "2024-10-01")!,
                schedule: ["household": .init(monthly: 1000), "factory": .init(perCubicMetre: 300, minimum: 5000)])
        ])
        return try settings.validated()
    }

    static func payer(_ code: String = "A0001", services: Set<BilledService> = [.garbage], rateClass: String = "household") throws -> Payer {
        try Payer(code: code, name: "สมศรี ใจดี", village: 3, services: services, rateClass: rateClass, starts: CivilDate(iso: "2025-01-01")!)
    }

    @Test func periodsNameTheirReferences() {
        #expect(Self.october.reference == "256910" && Self.october.referencePrefix == "6910")
        #expect(Self.october.first == CivilDate(iso: "2026-10-01") && Self.october.last == CivilDate(iso: "2026-10-31"))
        #expect(BillingPeriod("2569-12")!.next == BillingPeriod("2570-01"))
        #expect(BillingPeriod("2569-13") == nil && BillingPeriod("69-10") == nil && BillingPeriod("๒๕๖๙-10") == nil)
    }

    @Test func settingsOutOfRangeAreRefusedByMember() throws {
        var settings = try Self.settings()
        settings.taxId = "0994000165502"
        #expect(throws: FieldError.self) { try settings.validated() }
        settings.taxId = "3100600445635"
        #expect(performing: { try settings.validated() }, throws: { ($0 as? FieldError)?.field == "billing.tax_id" })
        settings = try Self.settings()
        settings.wastewaterRates = try FeeTable([.init(effectiveFrom: Self.issued, schedule: ["x": .init(monthly: 1, perCubicMetre: 2)])])
        #expect(performing: { try settings.validated() }, throws: { ($0 as? FieldError)?.field == "billing.wastewater_rates.x" })
        settings = try Self.settings()
        settings.monthlyCeilingSatang = 1500
        #expect(performing: { try settings.validated() }, throws: { ($0 as? FieldError)?.field == "billing.garbage_rates.household" })
        #expect(try Self.settings().billerID == "099400016550100")
    }

    @Test func aMonthlyBillChargesEachServiceAtItsClass() throws {
        let bill = try #require(
            try BillingRun.bill(
                for: Self.payer(services: [.garbage, .wastewater]), period: Self.october, settings: Self.settings(),
                ledger: BillLedger(bills: [], settlements: []), issued: Self.issued, check: "K7M2Q9"))
        #expect(bill.reference == "6910A0001" && bill.reference2 == "256910")
        #expect(bill.lines.map(\.amount) == [Money(satang: 2000), Money(satang: 1000)] && bill.amount == Money(satang: 3000))
        #expect(bill.due == CivilDate(iso: "2026-10-16") && bill.carried.isEmpty)
        #expect(Bill(fields: bill.fields) == bill, "a bill reads back from its record")
        let qr = try bill.thaiQR(billerID: "099400016550100")
        #expect(qr.payload.text.contains("0209" + "6910A0001") && qr.amount == Money(satang: 3000))
    }

    @Test func meteredClassesNeedTheReadingAndInactivePayersGetNothing() throws {
        let factory = try Self.payer(services: [.wastewater], rateClass: "factory")
        let empty = BillLedger(bills: [], settlements: [])
        #expect(throws: BillingRun.Skip.self) {
            try BillingRun.bill(for: factory, period: Self.october, settings: Self.settings(), ledger: empty, issued: Self.issued, check: "X")
        }
        let small = try BillingRun.bill(
            for: factory, period: Self.october, settings: Self.settings(), ledger: empty, cubicMetres: 4, issued: Self.issued, check: "X")
        #expect(small?.amount == Money(satang: 5000), "the minimum")
        let large = try BillingRun.bill(
            for: factory, period: Self.october, settings: Self.settings(), ledger: empty, cubicMetres: 30, issued: Self.issued, check: "X")
        #expect(large?.amount == Money(satang: 9000))
        var gone = try Self.payer()
        gone.ends = CivilDate(iso: "2026-09-30")
        #expect(
            try BillingRun.bill(for: gone, period: Self.october, settings: Self.settings(), ledger: empty, issued: Self.issued, check: "X") == nil)
        #expect(throws: BillingRun.Skip.self) {
            try BillingRun.bill(
                for: Self.payer(rateClass: "temple"), period: Self.october, settings: Self.settings(), ledger: empty, issued: Self.issued, check: "X")
        }
    }

    @Test func arrearsCarryForwardWithTheSurchargeAndPaymentsSettleTheOldestFirst() throws {
        let payer = try Self.payer()
        let settings = try Self.settings(surcharge: 10)
        let october = try #require(
            try BillingRun.bill(
                for: payer, period: Self.october, settings: settings, ledger: .init(bills: [], settlements: []), issued: Self.issued, check: "A"))
        // November's bill, issued after October's due date: October's 20 baht carried, with 10% surcharge.
        let november = try #require(
            try BillingRun.bill(
                for: payer, period: Self.october.next, settings: settings, ledger: BillLedger(bills: [october], settlements: []),
                issued: CivilDate(iso: "2026-11-01")!, check: "B"))
        #expect(november.carried == [october.reference] && november.arrears == Money(satang: 2000))
        #expect(november.lines.last?.kind == "surcharge" && november.lines.last?.amount == Money(satang: 200))
        #expect(november.amount == Money(satang: 4200))
        var ledger = BillLedger(bills: [october, november], settlements: [])
        #expect(ledger.status(of: october.reference) == .carried(into: november.reference))
        // 30 baht at the counter against November: October's 20 first, then 10 of November's own 22.
        ledger = BillLedger(
            bills: [october, november],
            settlements: [Settlement(id: "r1", bill: november.reference, amount: Money(satang: 3000), at: 1, source: .cash)])
        #expect(ledger.status(of: october.reference) == .paid && ledger.outstanding(november.reference) == Money(satang: 1200))
        #expect(ledger.status(of: november.reference) == .partlyPaid)
        // Paid in cash, then by the bank: the second payment is whole a credit.
        ledger = BillLedger(
            bills: [october],
            settlements: [
                Settlement(id: "bank", bill: october.reference, amount: october.amount, at: 20, source: .bank),
                Settlement(id: "cash", bill: october.reference, amount: october.amount, at: 10, source: .cash),
            ])
        #expect(ledger.status(of: october.reference) == .paid)
        #expect(ledger.credits.map(\.settlement.id) == ["bank"] && ledger.credits.first?.credit == october.amount)
    }

    @Test func theLedgerNeverOwesBelowZeroAndAllocatesEverySatang() throws {
        var generator = SeededGenerator(seed: 14)
        for _ in 0..<200 {
            var bills: [Bill] = []
            var period = BillingPeriod("2569-01")!
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let ledger = BillLedger(bills: bills, settlements: [])
                let payer = try Self.payer()
                if let bill = try BillingRun.bill(
                    for: payer, period: period, settings: Self.settings(surcharge: Int.random(in: 0...20, using: &generator)), ledger: ledger,
                    issued: period.first, check: "C")
                {
                    bills.append(bill)
                }
                period = period.next
            }
            let settlements = (0..<Int.random(in: 0...8, using: &generator)).map { index in
                Settlement(
                    id: "s\(index)", bill: bills.randomElement(using: &generator)!.reference,
                    amount: Money(satang: Int64.random(in: 1...9_000, using: &generator)), at: Int64.random(in: 0...5, using: &generator),
                    source: .cash)
            }
            let ledger = BillLedger(bills: bills, settlements: settlements)
            #expect(ledger.ownBalance.values.allSatisfy { $0.satang >= 0 })
            for applied in ledger.applied {
                #expect(
                    applied.allocation.shares.reduce(Int64(0)) { $0 + $1.amount.satang } + applied.credit.satang == applied.settlement.amount.satang)
            }
            let owned = bills.reduce(Int64(0)) { $0 + $1.own.satang }
            let paid = ledger.applied.reduce(Int64(0)) { $0 + $1.settlement.amount.satang - $1.credit.satang }
            #expect(ledger.totalOwed.satang == owned - paid, "every satang is owed, paid or a credit")
        }
    }

    @Test func theCSVImportNamesEveryBadLineAndTakesThaiDates() throws {
        let good = [
            "\u{FEFF}code,name,address,house_no,village,services,rate_class,starts,ends",
            #"A0001,สมศรี ใจดี,"12 หมู่ 3, ต.แม่เหียะ",12,3,garbage,household,2025-01-01,"#,
            #"a0002,"ร้าน ""ดีใจ""",,14/2,3,ขยะ+น้ำเสีย,Household,1/10/2568,30/9/2570"#, "",
        ].joined(separator: "\r\n")
        let payers = try PayerCSV.parse(Array(good.utf8))
        #expect(payers.map(\.code) == ["A0001", "A0002"])
        #expect(payers[0].address == "12 หมู่ 3, ต.แม่เหียะ" && payers[1].name == "ร้าน \"ดีใจ\"")
        #expect(
            payers[1].services == [.garbage, .wastewater] && payers[1].starts == CivilDate(iso: "2025-10-01")
                && payers[1].ends == CivilDate(iso: "2027-09-30"))
        let bad = """
            code,name,services,rate_class,starts,village
            A0001,สมศรี,garbage,household,2025-01-01,3
            A0001,ซ้ำ,garbage,household,2025-01-01,3
            B-1,,fire,household,yesterday,300
            """
        #expect(
            performing: { try PayerCSV.parse(Array(bad.utf8)) },
            throws: { error in
                guard let failure = error as? PayerCSV.Failure else { return false }
                return failure.rows.map(\.line) == [3, 4]
                    && Set(failure.rows[1].problems.map(\.field)) == ["code", "name", "services", "starts", "village"]
            })
        #expect(
            performing: { try PayerCSV.parse(Array("name,services\nx,garbage".utf8)) }, throws: { ($0 as? PayerCSV.Failure)?.file?.field == "file" })
        #expect(performing: { try PayerCSV.parse([0xFF, 0xFE, 0x00]) }, throws: { ($0 as? PayerCSV.Failure)?.file != nil })
    }

    @Test func bankConfirmationsAreReadStrictly() throws {
        var body: [String: JSONValue] = [
            "transactionId": "TXN-20261202-0001", "amount": "30.00", "transactionDateandTime": "2026-12-02T10:15:30+07:00",
            "payeeProxyId": "099400016550100", "billPaymentRef1": "6910A0001", "billPaymentRef2": "256910", "sendingBankCode": "014",
        ]
        let confirmation = try BankConfirmation(json: .object(body))
        #expect(confirmation.amount == Money(satang: 3000) && confirmation.paidAt == 1_796_181_330_000)
        #expect(try BankConfirmation.millis("2026-12-02T03:15:30Z") == confirmation.paidAt)
        #expect(try BankConfirmation.millis("2026-12-02T10:15:30") == confirmation.paidAt, "no zone: Thai time")
        for (member, value) in [
            ("amount", JSONValue.string("30.001")), ("amount", .number(1e300)), ("amount", .string("-5")), ("amount", .number(-0.0)),
            ("amount", .string("1e3")), ("transactionDateandTime", .string("2026-13-02T10:15:30Z")), ("payeeProxyId", .string("0994")),
            ("billPaymentRef1", .string("bill one")), ("transactionId", .string(String(repeating: "9", count: 65))), ("currencyCode", .string("840")),
            ("transactionId", .array([])), ("billPaymentRef1", .null),
        ] {
            var hostile = body
            hostile[member] = value
            #expect(throws: BankConfirmation.Refusal.self, "\(member) = \(value)") { try BankConfirmation(json: .object(hostile)) }
        }
        body["amount"] = .number(40.1)
        #expect(try BankConfirmation(json: .object(body)).amount == Money(satang: 4010))
    }

    @Test func confirmationsMatchOnlyAnOpenBillOfTheirAmount() throws {
        let bill = try #require(
            try BillingRun.bill(
                for: Self.payer(), period: Self.october, settings: Self.settings(), ledger: .init(bills: [], settlements: []), issued: Self.issued,
                check: "A"))
        func confirmation(_ amount: String, ref2: String = "256910") throws -> BankConfirmation {
            try BankConfirmation(json: [
                "transactionId": "T1", "amount": .string(amount), "transactionDateandTime": "2026-10-05T09:00:00+07:00",
                "payeeProxyId": "099400016550100", "billPaymentRef1": .string(bill.reference), "billPaymentRef2": .string(ref2),
            ])
        }
        let empty = BillLedger(bills: [bill], settlements: [])
        #expect(PaymentMatch.decide(try confirmation("20.00"), bill: bill, ledger: empty) == .matched)
        #expect(PaymentMatch.decide(try confirmation("20.00"), bill: nil, ledger: nil) == .waiting)
        #expect(PaymentMatch.decide(try confirmation("19.00"), bill: bill, ledger: empty) == .review(.amountMismatch))
        #expect(PaymentMatch.decide(try confirmation("20.00", ref2: "256911"), bill: bill, ledger: empty) == .review(.referenceMismatch))
        let cash = BillLedger(bills: [bill], settlements: [Settlement(id: "r", bill: bill.reference, amount: bill.amount, at: 0, source: .cash)])
        #expect(PaymentMatch.decide(try confirmation("20.00"), bill: bill, ledger: cash) == .review(.alreadyPaid))
        let part = BillLedger(
            bills: [bill], settlements: [Settlement(id: "r", bill: bill.reference, amount: Money(satang: 500), at: 0, source: .cash)])
        #expect(PaymentMatch.decide(try confirmation("20.00"), bill: bill, ledger: part) == .review(.partlyPaid))
    }
}

/// A generated month of bank statements against the confirmations the hub received: the reconciliation matches at
/// least 99% with no officer, and flags exactly what was planted.
@Suite struct ReconciliationTests {
    @Test func aGeneratedMonthIsMatchedWithoutAnOfficer() throws {
        var generator = SeededGenerator(seed: 2570)
        var confirmations: [Reconciliation.Confirmed] = []
        var csv = "date,time,transaction_id,amount,ref1,ref2\n"
        var lost = 0
        var late = 0
        let payments = 20_000
        for index in 0..<payments {
            let day = 1 + index % 30
            let id = "20261\(String(format: "%03d", day))\(String(format: "%06d", index))"
            let reference = "6911A\(String(format: "%05d", index))"
            let satang = Int64.random(in: 2_000...50_000, using: &generator)
            let amount = Money(satang: satang)
            let date = "2026-11-\(day < 10 ? "0" : "")\(day)"
            let confirmation = try BankConfirmation(json: [
                "transactionId": .string(id), "amount": .string(amount.decimal), "transactionDateandTime": .string("\(date)T10:00:00+07:00"),
                "payeeProxyId": "099400016550100", "billPaymentRef1": .string(reference), "billPaymentRef2": "256911",
            ])
            // 0.4% of callbacks never reached the hub; 0.1% of confirmed payments are not on the statement yet.
            if index % 250 == 7 { lost += 1 } else { confirmations.append(.init(id: "5001.p-scb-\(id)", confirmation: confirmation)) }
            if index % 1_000 == 11 {
                late += 1
                continue
            }
            // A third of the statement prints the id its own way (dashes, leading zeros): matched all the same.
            let printed = index % 3 == 0 ? "00" + id.prefix(6) + "-" + id.dropFirst(6) : id
            csv += "\(day)/11/2569,10:00,\(printed),\(amount.decimal),\(reference),256911\n"
            if index % 2_000 == 5 { csv += "\(day)/11/2569,10:00,\(printed),\(amount.decimal),\(reference),256911\n" }  // printed twice
        }
        let lines = try Reconciliation.parse(Array(csv.utf8))
        let result = Reconciliation(statement: lines, confirmations: confirmations)
        #expect(result.unconfirmed.count == lost - 0, "every lost callback is flagged")
        #expect(result.notInStatement.count == late)
        #expect(result.duplicateLines.count == payments / 2_000)
        #expect(result.matchedPermille >= 990, "matched \(result.matchedPermille)‰")
        #expect(result.matched.count == payments - lost - late)
        // A statement line whose id the bank's callback printed differently still matches by ref 1, amount and day.
        let other = Reconciliation(
            statement: [lines[1]].map {
                Reconciliation.Line(
                    line: $0.line, date: $0.date, transactionID: "X" + $0.transactionID, amount: $0.amount, reference1: $0.reference1, reference2: nil
                )
            }, confirmations: confirmations)
        #expect(other.matched.count == 1)
        #expect(throws: Reconciliation.Failure.self) { try Reconciliation.parse(Array("date,transaction_id,amount,ref1\nyesterday,T1,1,A\n".utf8)) }
    }
}
