import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonReports
import TambonStore
import TambonWebKit
import TambonWebTestSupport
import Testing

/// The national collection figure: the report index sums each office's bills, receipts and bank payments per
/// fiscal year, leaves out voided receipts and payments matched to no bill, and publishes sums with no payer.
@Suite struct FeeReportTests {
    @Test func eachOfficeGetsBilledAndCollectedWithoutPersonalData() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        @Sendable func bill(_ reference: String, period: String, satang: Int64) -> Bill {
            Bill(
                reference: reference, reference2: "256911", payer: "A0001", application: nil, period: BillingPeriod(period),
                lines: [.init(kind: "garbage", label: "ค่าขยะ", amount: Money(satang: satang))], arrears: .zero, carried: [],
                issued: CivilDate(iso: "2026-11-01")!, due: CivilDate(iso: "2026-11-16")!, check: "K7M2Q9")
        }
        let paidAt: Int64 = 1_794_000_000_000  // 2026-11-12, fiscal year 2570
        let confirmation = try BankConfirmation(json: [
            "transactionId": "T1", "amount": "20.00", "transactionDateandTime": "2026-11-12T10:00:00+07:00", "payeeProxyId": "099400016550100",
            "billPaymentRef1": "6911A0001", "payerName": "นางสมศรี ใจดี",
        ])
        let waiting = try BankConfirmation(json: [
            "transactionId": "T2", "amount": "99.00", "transactionDateandTime": "2026-11-12T10:00:00+07:00", "payeeProxyId": "099400016550100",
            "billPaymentRef1": "6911ZZZZ",
        ])
        let receipt = Receipt(number: OfficialNumber(sequence: 1, year: 2570), bill: "6911A0002", amount: Money(satang: 3000), at: paidAt, staff: "s")
        let voided = Receipt(
            number: OfficialNumber(sequence: 2, year: 2570), bill: "6911A0002", amount: Money(satang: 5000), at: paidAt, staff: "s",
            voided: .init(reason: "ผิด", by: "s", at: paidAt))
        try await store.transaction { _ in
            [
                LocalEdit(
                    collection: Bill.collection, record: "5001.6911A0001", set: bill("6911A0001", period: "2569-11", satang: 2000).fields,
                    scope: ["5001"]),
                LocalEdit(
                    collection: Bill.collection, record: "5001.6911A0002", set: bill("6911A0002", period: "2569-11", satang: 3000).fields,
                    scope: ["5001"]),
                LocalEdit(
                    collection: Bill.collection, record: "5001.6909A0002", set: bill("6909A0002", period: "2569-09", satang: 7000).fields,
                    scope: ["5001"]),
                LocalEdit(
                    collection: BankPayment.collection, record: "5001.p-scb-T1",
                    set: BankPayment(bank: "scb", confirmation: confirmation, match: .matched, bill: "6911A0001").fields, scope: ["5001"]),
                LocalEdit(
                    collection: BankPayment.collection, record: "5001.p-scb-T2",
                    set: BankPayment(bank: "scb", confirmation: waiting, match: .waiting, bill: nil).fields, scope: ["5001"]),
                LocalEdit(collection: Receipt.collection, record: "5001.R2570-1", set: receipt.fields, scope: ["5001"]),
                LocalEdit(collection: Receipt.collection, record: "5001.R2570-2", set: voided.fields, scope: ["5001"]),
                LocalEdit(
                    collection: Bill.collection, record: "5002.6911B0001", set: bill("6911B0001", period: "2569-11", satang: 4000).fields,
                    scope: ["5002"]),
            ]
        }
        let index = try ReportIndex(store: store, today: { CivilDate(iso: "2026-12-02")! })
        try await index.refresh()
        let totals = try await index.feeTotals(from: BillingPeriod("2569-10")!, through: BillingPeriod("2570-09")!)
        #expect(
            totals["5001"]?.billed == 5_000 && totals["5001"]?.collected == 5_000,
            "September 2569 is the year before; the voided receipt and the waiting payment count for nothing")
        #expect(totals["5002"]?.billed == 4_000 && totals["5002"]?.collected == 0)
        // The receipt is voided later: the next refresh takes its money out.
        try await store.write(collection: Receipt.collection, record: "5001.R2570-1", set: Receipt.voidFields(reason: "ผิด", by: "s", at: paidAt))
        try await index.refresh()
        #expect(try await index.feeTotals(from: BillingPeriod("2569-10")!, through: BillingPeriod("2570-09")!)["5001"]?.collected == 2_000)

        let router = Router(context: TambonRequestContext.self)
        HubReportWeb(store: store, index: index, bcryptCost: 4).addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            let body = try await client.execute(uri: "/api/v1/reports/fees?fiscal_year=2570", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            let json = try JSONValue(parsing: body)
            let offices = try #require(json.objectValue?["offices"]?.arrayValue)
            #expect(offices.count == 2 && offices[0].objectValue?["collection_permille"] == .number(400))
            #expect(!body.contains("สมศรี") && !body.contains("A0001") && !body.contains("6911"), "sums only")
            let page = try await client.execute(uri: "/reports", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("ปีงบประมาณ 2570") && page.contains("40.0%"))
            #expect(try await client.execute(uri: "/api/v1/reports/fees?fiscal_year=1e9", method: .get) { $0.status } == .unprocessableContent)
        }
    }
}
