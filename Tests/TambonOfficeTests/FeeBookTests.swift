import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import Testing

/// The office's fees on an in-memory store: the payer register, the billing run under retries and concurrent runs,
/// counter receipts numbered per fiscal year and voided, and who may write them.
@Suite struct FeeBookTests {
    static func payers(_ count: Int) throws -> [Payer] {
        try (1...count).map { index in
            try Payer(
                code: "A\(10_000 + index)", name: "ผู้ชำระ \(index)", village: index % 12,
                services: index % 3 == 0 ? [.garbage, .wastewater] : [.garbage],
                rateClass: "household", starts: CivilDate(iso: "2025-01-01")!)
        }
    }

    static func catalog() throws -> ServiceCatalog { try OfficeFixture.billingCatalog() }

    @Test func importIsAllOrNothingAndADryRunWritesNothing() async throws {
        let fixture = try await OfficeFixture()
        let book = FeeBook(store: fixture.store, catalog: try Self.catalog())
        let dry = try await book.importPayers(try Self.payers(30), dryRun: true)
        #expect(dry == .init(added: 30, updated: 0, unchanged: 0))
        #expect(try await book.payers().payers.isEmpty, "a dry run writes nothing")
        #expect(try await book.importPayers(try Self.payers(30)) == .init(added: 30, updated: 0, unchanged: 0))
        var changed = try Self.payers(31)
        changed[0].name = "ชื่อใหม่"
        #expect(try await book.importPayers(changed) == .init(added: 1, updated: 1, unchanged: 29))
        #expect(try await book.payer(code: "A10001")?.name == "ชื่อใหม่")
    }

    @Test func theBillingRunIsIdempotentUnderRetriesAndConcurrentRuns() async throws {
        let fixture = try await OfficeFixture()
        let book = FeeBook(store: fixture.store, catalog: try Self.catalog())
        try await book.importPayers(try Self.payers(1_200))
        let period = BillingPeriod("2569-11")!
        // Two runs at once, then a retry: every payer ends with exactly one bill for the month.
        async let first = book.runBilling(period: period)
        async let second = book.runBilling(period: period)
        let (one, two) = try await (first, second)
        #expect(one.issued + two.issued == 1_200 && one.existing + two.existing == 1_200)
        let retry = try await book.runBilling(period: period)
        #expect(retry.issued == 0 && retry.existing == 1_200)
        let bills = try await fixture.store.records(collection: Bill.collection, office: "5001")
        #expect(bills.count == 1_200)
        #expect(one.billed + two.billed == Money(satang: 400 * 3_000 + 800 * 2_000))
        // December carries November's unpaid bill as arrears.
        let december = try await book.runBilling(period: period.next)
        #expect(december.issued == 1_200)
        let account = try await book.bills(payer: "A10003")
        #expect(account.bills.count == 2 && account.bills[0].carried == [account.bills[1].reference])
        #expect(account.ledger.outstanding(account.bills[0].reference) == Money(satang: 6_000))
    }

    @Test func receiptsRunWithoutGapsPerFiscalYearAndAreVoidedNotDeleted() async throws {
        let fixture = try await OfficeFixture()
        let clock = fixture.clock
        let book = FeeBook(store: fixture.store, catalog: try Self.catalog(), today: { CivilDate(thaiDayOf: clock.now) })
        try await book.importPayers(try Self.payers(3))
        try await book.runBilling(period: BillingPeriod("2569-09")!)
        let reference = BillingRun.reference(period: BillingPeriod("2569-09")!, payer: "A10001")
        // 26 Nov 2026 is in fiscal year 2570.
        let first = try await book.receiveCash(bill: reference, amount: Money(satang: 500), staff: "somsri")
        let second = try await book.receiveCash(bill: reference, amount: Money(satang: 1_500), staff: "somsri")
        #expect(first.receipt.number.description == "1/2570" && second.receipt.number.description == "2/2570")
        #expect(try await book.bill(reference)?.ledger.status(of: reference) == .paid)
        try await book.voidReceipt(first.id, reason: "รับเงินผิดใบ", staff: "somsri")
        await #expect(throws: OfficeError.self) { try await book.voidReceipt(first.id, reason: "อีกครั้ง", staff: "somsri") }
        await #expect(throws: OfficeError.self) { try await book.voidReceipt(second.id, reason: "", staff: "somsri") }
        let receipts = try await book.receipts()
        #expect(receipts.count == 2 && receipts.first { $0.id == first.id }?.receipt.voided?.reason == "รับเงินผิดใบ")
        #expect(try await book.bill(reference)?.ledger.outstanding(reference) == Money(satang: 500), "the voided money leaves the ledger")
        // The next receipt is 3, never a reused 1.
        #expect(try await book.receiveCash(bill: reference, amount: Money(satang: 500), staff: "somsri").receipt.number.sequence == 3)
        await #expect(throws: OfficeError.self) { try await book.receiveCash(bill: "NOSUCHBILL", amount: Money(satang: 500), staff: "somsri") }
        await #expect(throws: OfficeError.self) { try await book.receiveCash(bill: reference, amount: Money(satang: 0), staff: "somsri") }
    }

    @Test func onlyTheOfficeNodeBillsOrTakesMoney() async throws {
        let fixture = try await OfficeFixture(role: "survey")
        let book = FeeBook(store: fixture.store, catalog: try Self.catalog())
        await #expect(throws: OfficeError.self) { try await book.importPayers(try Self.payers(2)) }
        await #expect(throws: OfficeError.self) { try await book.runBilling(period: BillingPeriod("2569-11")!) }
        #expect(try await fixture.store.records(collection: Payer.collection).isEmpty)
    }
}
