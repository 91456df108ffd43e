import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonWebKit

/// The public page of one bill, for a citizen's phone (`/pay/<reference>/<check>`, the link and QR printed on the
/// bill): the Thai QR to pay it, the amount, the due date and whether it is paid, and of the payer only the masked
/// name. The check is six random characters stored with the bill, so a guessed or neighbouring reference opens
/// nothing: a wrong check and an unknown reference get the same 404.
struct PaymentPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/pay/:reference/:check") { request, context in
            try await self.page(request, reference: try context.parameters.require("reference"), check: try context.parameters.require("check"))
        }
        router.get("/pay/:reference/:check/qr.png") { request, context in
            try await self.png(reference: try context.parameters.require("reference"), check: try context.parameters.require("check"))
        }
    }

    /// The bill and its ledger if `check` is the bill's (compared in constant time); otherwise 404.
    func bill(_ reference: String, check: String) async throws -> (Bill, BillLedger) {
        guard reference.utf8.count <= 15, check.utf8.count <= 16, let (bill, ledger) = try await web.fees.bill(reference),
            OfficeWeb.constantTimeEquals(bill.check, check)
        else {
            throw WebError(.notFound, "not_found", th: "ไม่พบใบแจ้งหนี้ กรุณาตรวจสอบลิงก์หรือคิวอาร์โค้ดบนใบแจ้งหนี้", en: "no such bill")
        }
        return (bill, ledger)
    }

    func page(_ request: Request, reference: String, check: String) async throws -> Response {
        let (bill, ledger) = try await self.bill(reference, check: check)
        let settings = web.fees.catalog.billing
        var payer: Payer?
        if let code = bill.payer { payer = try await web.fees.payer(code: code) }
        let status = ledger.status(of: bill.reference)
        let outstanding = ledger.outstanding(bill.reference)
        var values: [String: Any] = [
            "reference": bill.reference, "amount": bill.amount.thaiText, "due": bill.due.thaiText,
            "paid": status == .paid, "status": FeePages.statusText(status), "maskedName": payer?.maskedName ?? "",
            "outstanding": outstanding.thaiText, "changed": outstanding != bill.amount && status != .paid,
            "lines": bill.lines.map { ["label": $0.label, "amount": $0.amount.thaiText] },
            "check": bill.check,
        ]
        // Mustache renders a section for any value but false and nil (an empty string included): absent when none.
        if let period = bill.period { values["period"] = period.thaiText }
        if bill.arrears.satang > 0 { values["arrears"] = bill.arrears.thaiText }
        if status != .paid, let svg = BillImages.qrSVG(bill, settings: settings, pixels: 260) { values["qr"] = svg }
        return try await pages.page("pay", title: "ชำระค่าธรรมเนียม \(bill.reference)", request: request, values)
    }

    func png(reference: String, check: String) async throws -> Response {
        let (bill, _) = try await self.bill(reference, check: check)
        guard let png = BillImages.qrPNG(bill, settings: web.fees.catalog.billing) else {
            throw WebError(.notFound, "no_qr", th: "ใบแจ้งหนี้นี้ไม่มีคิวอาร์โค้ด", en: "this bill has no QR code")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/png"
        headers[.cacheControl] = "no-store"
        headers[.contentDisposition] = "inline; filename=\"thaiqr-\(bill.reference).png\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }
}
