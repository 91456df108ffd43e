import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebTestSupport
import Testing

@testable import TambonWeb

/// The fee pages through the router: the CSV import (all or nothing, every bad line named), the billing run, the
/// bill with its Thai QR, cash at the counter, the public phone page that shows nothing to a wrong check, and the
/// review queue of bank payments delivered from the hub.
@Suite struct FeePageTests {
    static func catalog() -> ServiceCatalog {
        var catalog = ServiceCatalog()
        catalog.billing.taxId = "0994000165501"
        return catalog
    }

    static let goodCSV = """
        code,name,address,house_no,village,services,rate_class,starts
        A0001,สมศรี ใจดี,ต.แม่เหียะ อ.เมือง,12,3,ขยะ,household,1/1/2568
        A0002,ร้านดีใจ,ต.แม่เหียะ,14,3,garbage,household,2025-01-01

        """

    func login(
        _ client: some TestClientProtocol, _ name: String = "somsri", _ password: String = "officer password 1"
    ) async throws -> (HTTPFields, String) {
        let session = try await StaffSession.login(client, name: name, password: password)
        var headers = PageTests.formHeaders
        headers[.cookie] = session.cookie
        return (headers, session.csrf)
    }

    func importCSV(_ csv: String, _ client: some TestClientProtocol, headers: HTTPFields, csrf: String) async throws -> (HTTPResponse.Status, String)
    {
        let (type, body) = HTTPTesting.multipart([("csrf", csrf)], files: [("file", "payers.csv", "text/csv", Array(csv.utf8))])
        var multipart = headers
        multipart[.contentType] = type
        return try await client.execute(uri: "/office/fees/payers/import", method: .post, headers: multipart, body: body) {
            ($0.status, WebFixture.text($0))
        }
    }

    @Test func anImportWithABadLineImportsNothingAndNamesTheLine() async throws {
        let fixture = try await WebFixture(catalog: Self.catalog())
        try await fixture.application.test(.router) { client in
            let (headers, csrf) = try await login(client)
            let bad = Self.goodCSV + "A0003,,x,1,3,fire,household,2025-01-01\n"
            let (status, page) = try await importCSV(bad, client, headers: headers, csrf: csrf)
            #expect(status == .unprocessableContent && page.contains("<td>4</td>") && page.contains("ไม่ได้นำเข้าข้อมูลใดเลย"))
            #expect(try await fixture.store.records(collection: Payer.collection).isEmpty)
            let (done, result) = try await importCSV(Self.goodCSV, client, headers: headers, csrf: csrf)
            #expect(done == .ok && result.contains("เพิ่ม 2"))
            #expect(try await fixture.web.fees.payers().payers.map(\.code) == ["A0001", "A0002"])
            let register = try await client.execute(uri: "/office/fees/payers", method: .get, headers: headers) { WebFixture.text($0) }
            #expect(register.contains("A0002") && !register.contains("อ่านไม่ได้"), "no damaged count when none is damaged")
        }
    }

    @Test func billingRunBillQRCashAndThePublicPage() async throws {
        let fixture = try await WebFixture(catalog: Self.catalog())
        try await fixture.application.test(.router) { client in
            let (headers, csrf) = try await login(client)
            _ = try await importCSV(Self.goodCSV, client, headers: headers, csrf: csrf)
            let run = PageTests.form([("csrf", csrf), ("period", "2569-11")])
            let first = try await client.execute(uri: "/office/fees/billing-run", method: .post, headers: headers, body: run) { WebFixture.text($0) }
            #expect(first.contains("ออกใหม่ 2 ใบ"))
            let again = try await client.execute(uri: "/office/fees/billing-run", method: .post, headers: headers, body: run) { WebFixture.text($0) }
            #expect(again.contains("ออกใหม่ 0 ใบ") && again.contains("มีอยู่แล้ว 2"))
            // The staff's bill page and the A5 print carry the Thai QR and the barcode.
            let reference = "6911A0001"
            let bill = try await client.execute(uri: "/office/fees/bills/\(reference)", method: .get, headers: headers) { WebFixture.text($0) }
            #expect(bill.contains("<svg") && bill.contains("20.00 บาท"))
            let printed = try await client.execute(uri: "/office/fees/bills/\(reference)/print", method: .get, headers: headers) {
                WebFixture.text($0)
            }
            #expect(printed.contains("@page{size:A5") && printed.components(separatedBy: "<svg").count == 3)
            let check = try #require(try await fixture.web.fees.bill(reference)?.bill.check)
            // The public page: the masked name only, and the same 404 for a wrong check as for no bill.
            let page = try await client.execute(uri: "/pay/\(reference)/\(check)", method: .get) { response in
                #expect(response.status == .ok)
                return WebFixture.text(response)
            }
            #expect(page.contains("ส*** ใ**") && !page.contains("สมศรี") && !page.contains("แม่เหียะ อ.เมือง") && page.contains("<svg"))
            #expect(!page.contains("ค้างชำระยกมา") && !bill.contains("ค้างชำระยกมา"), "no arrears line on a first bill")
            let wrong = try await client.execute(uri: "/pay/\(reference)/AAAAAA", method: .get) { ($0.status, WebFixture.text($0)) }
            let none = try await client.execute(uri: "/pay/6911ZZZZ/\(check)", method: .get) { ($0.status, WebFixture.text($0)) }
            #expect(wrong.0 == .notFound && none.0 == .notFound && wrong.1 == none.1)
            let png = try await client.execute(uri: "/pay/\(reference)/\(check)/qr.png", method: .get) { response in
                #expect(response.headers[.contentType] == "image/png")
                return Array(buffer: response.body)
            }
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            // Cash at the counter pays it; the public page then says so, with no QR.
            let cash = PageTests.form([("csrf", csrf), ("amount", "20")])
            let paid = try await client.execute(uri: "/office/fees/bills/\(reference)/cash", method: .post, headers: headers, body: cash) {
                $0.status
            }
            #expect(paid == .seeOther)
            let after = try await client.execute(uri: "/pay/\(reference)/\(check)", method: .get) { WebFixture.text($0) }
            #expect(after.contains("ชำระแล้ว") && !after.contains("<svg"))
            let receipts = try await client.execute(uri: "/office/fees/receipts", method: .get, headers: headers) { WebFixture.text($0) }
            #expect(receipts.contains("1/2570"))
        }
    }

    @Test func aSurveyorTakesNoMoneyAndAFormWithoutTheTokenChangesNothing() async throws {
        let fixture = try await WebFixture(catalog: Self.catalog())
        try await fixture.web.fees.importPayers([
            try Payer(code: "A0001", name: "สมศรี", services: [.garbage], rateClass: "household", starts: CivilDate(iso: "2025-01-01")!)
        ])
        try await fixture.web.fees.runBilling(period: BillingPeriod("2569-11")!)
        try await fixture.application.test(.router) { client in
            let (headers, csrf) = try await login(client, "chai", "surveyor password 1")
            let status = try await client.execute(
                uri: "/office/fees/bills/6911A0001/cash", method: .post, headers: headers, body: PageTests.form([("csrf", csrf), ("amount", "20")])
            ) { $0.status }
            #expect(status == .forbidden)
            let (officer, _) = try await login(client)
            let forged = try await client.execute(
                uri: "/office/fees/bills/6911A0001/cash", method: .post, headers: officer,
                body: PageTests.form([("csrf", "forged"), ("amount", "20")])
            ) { $0.status }
            #expect(forged == .forbidden)
        }
        #expect(try await fixture.web.fees.receipts().isEmpty)
    }

    @Test func theReviewQueueShowsWhatTheHubCouldNotMatch() async throws {
        let fixture = try await WebFixture(role: .office, catalog: Self.catalog())
        let hub = try #require(fixture.hub)
        let confirmation = try BankConfirmation(json: [
            "transactionId": "T9", "amount": "55.00", "transactionDateandTime": "2026-11-05T09:00:00+07:00", "payeeProxyId": "099400016550100",
            "billPaymentRef1": "6911Q0009",
        ])
        let payment = BankPayment(bank: "scb", confirmation: confirmation, match: .waiting, bill: nil)
        try await hub.store.write(collection: BankPayment.collection, record: "5001.p-scb-T9", set: payment.fields, scope: ["5001"])
        try await hub.deliver(to: fixture.store, from: [])
        try await fixture.application.test(.router) { client in
            let (headers, _) = try await login(client)
            let page = try await client.execute(uri: "/office/fees/review", method: .get, headers: headers) { WebFixture.text($0) }
            #expect(page.contains("T9") && page.contains("6911Q0009") && page.contains("55.00 บาท") && page.contains("waiting"))
        }
    }
}

/// A service's fee becomes a bill of the fee service: issued from the application's page, paid at the counter (or by
/// the bank), its state shown on the application, and its receipt offered for the workflow's `record-payment`.
@Suite struct ApplicationFeeBillTests {
    @Test func aPermitFeeIsBilledOnceAndPaidThroughItsBill() async throws {
        let fixture = try await WebFixture(catalog: FeePageTests.catalog())
        let application = try await fixture.web.book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        let reference = "A" + application.trackingCode + "P"
        try await fixture.application.test(.router) { client in
            let (headers, csrf) = try await FeePageTests().login(client)
            let page = "/office/applications/\(application.id)"
            let before = try await client.execute(uri: page, method: .get, headers: headers) { WebFixture.text($0) }
            #expect(before.contains("ยังไม่ออกใบแจ้งหนี้") && before.contains("bill-fees"))
            for _ in 0..<2 {
                let status = try await client.execute(
                    uri: page + "/bill-fees", method: .post, headers: headers, body: PageTests.form([("csrf", csrf)])
                ) { $0.status }
                #expect(status == .seeOther)
            }
            let bills = try await fixture.store.records(collection: Bill.collection, office: "5001")
            #expect(bills.map(\.id) == ["5001." + reference], "billed once")
            let total = try #require(application.fees["total"]?.integerValue)
            #expect(try await fixture.web.fees.bill(reference)?.bill.amount == Money(satang: total))
            let cash = PageTests.form([("csrf", csrf), ("amount", Money(satang: total).decimal)])
            _ = try await client.execute(uri: "/office/fees/bills/\(reference)/cash", method: .post, headers: headers, body: cash) { $0.status }
            let after = try await client.execute(uri: page, method: .get, headers: headers) { WebFixture.text($0) }
            #expect(after.contains("ชำระแล้ว") && !after.contains("bill-fees\""))
        }
    }
}
