import Foundation
import HTTPTypes
import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The staff's fee pages (`/office/fees…`): the billing run, the payer register with its CSV import and edit form,
/// each bill with its counter receipts and its printable A5 form, receipts and their voiding, the review queue of
/// bank payments, and the office's fee report. Every page needs a staff session; every change a CSRF token and an
/// officer or admin (a surveyor takes no money).
struct FeePages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }
    var fees: FeeBook { web.fees }

    /// The largest payer file: 10 MB of CSV (about 100,000 payers).
    static let maximumImportBytes = PayerCSV.maximumBytes + (64 << 10)

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/office/fees") { request, _ in try await self.overview(request) }
        router.post("/office/fees/billing-run") { request, _ in try await self.runBilling(request) }
        router.get("/office/fees/payers") { request, _ in try await self.payers(request) }
        router.post("/office/fees/payers/import") { request, _ in try await self.importPayers(request) }
        router.get("/office/fees/payers/new") { request, _ in try await self.payerForm(request, code: nil) }
        router.get("/office/fees/payers/:code") { request, context in try await self.payerForm(request, code: try context.parameters.require("code"))
        }
        router.post("/office/fees/payers") { request, _ in try await self.savePayer(request) }
        router.get("/office/fees/bills/:reference") { request, context in
            try await self.bill(request, reference: try context.parameters.require("reference"))
        }
        router.get("/office/fees/bills/:reference/print") { request, context in
            try await self.printBill(request, reference: try context.parameters.require("reference"))
        }
        router.post("/office/fees/bills/:reference/cash") { request, context in
            try await self.cash(request, reference: try context.parameters.require("reference"))
        }
        router.get("/office/fees/receipts") { request, _ in try await self.receipts(request, error: nil) }
        router.post("/office/fees/receipts/void") { request, _ in try await self.void(request) }
        router.get("/office/fees/review") { request, _ in try await self.review(request) }
        router.get("/office/fees/report") { request, _ in try await self.report(request) }
    }

    /// The session of a staff page (nil: to the login page). With a `form` (a change), the form must carry the
    /// session's CSRF token and the staff member be an officer or admin; without one the session is only read, to
    /// render a page (a POST handler re-renders its page after it checked its form).
    func staff(_ request: Request, form: FormBody? = nil) async throws -> SessionStore.Session? {
        guard let form else { return await web.session(of: request) }
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return nil }
        if !session.role.isOfficial {
            throw WebError(.forbidden, "forbidden", th: "เฉพาะเจ้าหน้าที่การเงินหรือผู้ดูแลระบบ", en: "only an officer or admin may do this")
        }
        return session
    }

    // MARK: Overview and the billing run

    func overview(
        _ request: Request, summary: FeeBook.BillingSummary? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = try await staff(request) else { return PageRenderer.redirect("/login") }
        let settings = fees.catalog.billing
        let today = fees.today()
        var values: [String: Any] = [
            "csrf": session.csrf, "period": BillingPeriod(containing: today).description, "billerID": settings.billerID ?? "",
            "noBiller": settings.billerID == nil, "dueDays": settings.dueDays, "surcharge": settings.lateSurchargePercent,
            "payerCount": try await fees.payers().payers.count, "reviewCount": try await fees.reviewQueue().count,
        ]
        if let error { values["error"] = error }
        if let summary {
            values["summary"] =
                [
                    "period": summary.period.thaiText, "issued": summary.issued, "existing": summary.existing, "notBilled": summary.notBilled,
                    "billed": summary.billed.thaiText,
                    "skipped": summary.skipped.prefix(200).map { ["payer": $0.payer, "reason": $0.thai] }, "skippedCount": summary.skipped.count,
                    "hasSkipped": !summary.skipped.isEmpty,
                ] as [String: Any]
        }
        return try await pages.page("fees", title: "ค่าธรรมเนียม", request: request, status: status, values)
    }

    func runBilling(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard try await staff(request, form: form) != nil else { return PageRenderer.redirect("/login") }
        guard let period = BillingPeriod(form["period"] ?? "") else {
            return try await overview(request, error: "งวดต้องอยู่ในรูปแบบ ปปปป-ดด (พ.ศ.) เช่น 2569-11", status: .unprocessableContent)
        }
        do {
            return try await overview(request, summary: try await fees.runBilling(period: period))
        } catch let error as OfficeError {
            return try await overview(request, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
    }

    // MARK: Payers

    func payers(_ request: Request, imported: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = try await staff(request) else { return PageRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        let search = query["q"].map(String.init) ?? ""
        let village = query["village"].flatMap { Int($0) }
        let (all, damaged) = try await fees.payers()
        let shown = all.filter { payer in
            (search.isEmpty || payer.code.contains(search.uppercased()) || payer.name.contains(search))
                && (village.map { payer.village == $0 } ?? true)
        }
        var values: [String: Any] = [
            "csrf": session.csrf, "q": search, "village": village.map(String.init) ?? "", "count": all.count, "shownCount": shown.count,
            "damaged": damaged, "hasDamaged": damaged > 0,
            "rows": shown.prefix(500).map { payer -> [String: Any] in
                [
                    "code": payer.code, "name": payer.name, "house": payer.houseNumber, "village": payer.village == 0 ? "-" : String(payer.village),
                    "services": payer.services.sorted().map(\.thaiName).joined(separator: ", "), "rateClass": payer.rateClass,
                    "ended": payer.ends.map { $0 < fees.today() } ?? false,
                ]
            },
            "more": shown.count > 500,
        ]
        if let imported { values["imported"] = imported }
        return try await pages.page("payers", title: "ทะเบียนผู้ชำระค่าธรรมเนียม", request: request, status: status, values)
    }

    func importPayers(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request, maximumBytes: Self.maximumImportBytes)
        guard try await staff(request, form: form) != nil else { return PageRenderer.redirect("/login") }
        guard let file = form.files.first(where: { $0.field == "file" }) else {
            return try await payers(request, imported: ["error": "กรุณาเลือกไฟล์ CSV"], status: .unprocessableContent)
        }
        let dryRun = form["dry_run"] == "1"
        let parsed: [Payer]
        do {
            parsed = try PayerCSV.parse(file.bytes)
        } catch {
            let rows = error.rows.prefix(500).map { row -> [String: Any] in
                ["line": row.line, "problems": row.problems.map { "\($0.field): \($0.thai)" }.joined(separator: " · ")]
            }
            return try await payers(
                request,
                imported: [
                    "error": error.file?.thai ?? "ไฟล์มีข้อผิดพลาด \(error.rows.count) บรรทัด ไม่ได้นำเข้าข้อมูลใดเลย", "rows": rows,
                    "hasRows": !rows.isEmpty,
                ], status: .unprocessableContent)
        }
        do {
            let summary = try await fees.importPayers(parsed, dryRun: dryRun)
            return try await payers(
                request,
                imported: [
                    "done": true, "dryRun": dryRun, "added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged,
                ])
        } catch let error as OfficeError {
            return try await payers(request, imported: ["error": error.thai], status: HTTPResponse.Status(code: error.status))
        }
    }

    func payerForm(
        _ request: Request, code: String?, entered: [String: String]? = nil, errors: [FieldError] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = try await staff(request) else { return PageRenderer.redirect("/login") }
        var values: [String: Any] = ["csrf": session.csrf, "isNew": code == nil]
        var fields = entered ?? [:]
        if let code, entered == nil {
            guard let payer = try await fees.payer(code: code) else { throw WebError(OfficeError.notFound) }
            fields = [
                "code": payer.code, "name": payer.name, "address": payer.address, "house_no": payer.houseNumber, "village": String(payer.village),
                "rate_class": payer.rateClass, "starts": payer.starts.iso, "ends": payer.ends?.iso ?? "",
                "garbage": payer.services.contains(.garbage) ? "1" : "", "wastewater": payer.services.contains(.wastewater) ? "1" : "",
            ]
        }
        if code == nil && entered == nil { fields = ["starts": fees.today().iso, "garbage": "1", "rate_class": "household", "village": "0"] }
        values["fields"] = fields
        values["garbage"] = fields["garbage"] == "1"
        values["wastewater"] = fields["wastewater"] == "1"
        values["errors"] = errors.map { ["field": $0.field, "message": $0.thai] }
        values["hasErrors"] = !errors.isEmpty
        if let code = code ?? fields["code"], !code.isEmpty, Payer.isCode(code) {
            let account = try await fees.bills(payer: code)
            values["bills"] = account.bills.map { bill in Self.billRow(bill, ledger: account.ledger) }
            values["hasBills"] = !account.bills.isEmpty
            values["owed"] = account.ledger.totalOwed.thaiText
        }
        return try await pages.page("payer", title: code.map { "ผู้ชำระ \($0)" } ?? "เพิ่มผู้ชำระ", request: request, status: status, values)
    }

    func savePayer(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard try await staff(request, form: form) != nil else { return PageRenderer.redirect("/login") }
        var cells: [String: String] = [:]
        for key in ["code", "name", "address", "house_no", "village", "rate_class", "starts", "ends"] { cells[key] = form[key] ?? "" }
        cells["services"] = [form["garbage"] == "1" ? "garbage" : nil, form["wastewater"] == "1" ? "wastewater" : nil].compactMap { $0 }
            .joined(separator: "+")
        let isNew = form["is_new"] == "1"
        var entered = cells
        entered["garbage"] = form["garbage"] ?? ""
        entered["wastewater"] = form["wastewater"] ?? ""
        let payer: Payer
        do {
            payer = try PayerCSV.payer(from: cells)
        } catch {
            return try await payerForm(
                request, code: isNew ? nil : cells["code"], entered: entered, errors: error.errors, status: .unprocessableContent)
        }
        if isNew, try await fees.payer(code: payer.code) != nil {
            let taken = FieldError("code", th: "รหัส \(payer.code) มีอยู่แล้ว", en: "code \(payer.code) is taken")
            return try await payerForm(request, code: nil, entered: entered, errors: [taken], status: .conflict)
        }
        try await fees.importPayers([payer])
        return PageRenderer.redirect("/office/fees/payers/\(payer.code)")
    }

    // MARK: Bills and cash

    static func statusText(_ status: BillLedger.Status) -> String {
        switch status {
        case .open: "ค้างชำระ"
        case .partlyPaid: "ชำระบางส่วน"
        case .paid: "ชำระแล้ว"
        case .carried(let into): "ยกไปรวมในใบ \(into)"
        }
    }

    static func billRow(_ bill: Bill, ledger: BillLedger) -> [String: Any] {
        let status = ledger.status(of: bill.reference)
        return [
            "reference": bill.reference, "period": bill.period?.thaiText ?? bill.reference2, "amount": bill.amount.thaiText,
            "outstanding": ledger.outstanding(bill.reference).thaiText, "due": bill.due.thaiShortText, "status": statusText(status),
            "paid": status == .paid,
        ]
    }

    func billValues(_ reference: String) async throws -> (values: [String: Any], bill: Bill, ledger: BillLedger) {
        guard let (bill, ledger) = try await fees.bill(reference) else { throw WebError(OfficeError.notFound) }
        var payer: Payer?
        if let code = bill.payer { payer = try await fees.payer(code: code) }
        let settings = fees.catalog.billing
        var values = Self.billRow(bill, ledger: ledger)
        values["lines"] = bill.lines.map { ["label": $0.label, "amount": $0.amount.thaiText] }
        // Mustache renders a section for any value but false and nil (an empty string included): absent when none.
        if bill.arrears.satang > 0 { values["arrears"] = bill.arrears.thaiText }
        values["carried"] = bill.carried.joined(separator: ", ")
        values["issued"] = bill.issued.thaiText
        values["dueLong"] = bill.due.thaiText
        values["reference2"] = bill.reference2
        values["billerID"] = settings.billerID ?? ""
        values["payerCode"] = bill.payer ?? ""
        values["payerName"] = payer?.name ?? ""
        values["payerAddress"] =
            payer.map { [$0.houseNumber, $0.village > 0 ? "หมู่ \($0.village)" : "", $0.address].filter { !$0.isEmpty }.joined(separator: " ") } ?? ""
        values["qr"] = BillImages.qrSVG(bill, settings: settings) ?? ""
        values["barcode"] = BillImages.barcodeSVG(bill, settings: settings) ?? ""
        values["barcodeText"] = BillImages.payment(bill, settings: settings)?.barcodeText.replacingOccurrences(of: "\r", with: " ⏎ ") ?? ""
        values["noQR"] = values["qr"] as? String == ""
        values["publicPath"] = "/pay/\(bill.reference)/\(bill.check)"
        values["officeName"] = web.node.name
        values["signatory"] = fees.catalog.signatory.map { ["name": $0.name, "title": $0.title] } ?? [:]
        return (values, bill, ledger)
    }

    func bill(_ request: Request, reference: String, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = try await staff(request) else { return PageRenderer.redirect("/login") }
        var (values, bill, ledger) = try await billValues(reference)
        values["csrf"] = session.csrf
        if let error { values["error"] = error }
        let receipts = try await fees.receipts().filter { $0.receipt.bill == bill.reference }
        values["receipts"] = receipts.map(Self.receiptRow)
        values["hasReceipts"] = !receipts.isEmpty
        values["settlements"] = ledger.applied.filter { applied in
            applied.settlement.bill == bill.reference || applied.allocation.shares.contains { $0.reference == bill.reference }
        }.map { applied -> [String: Any] in
            [
                "source": applied.settlement.source == .cash ? "เงินสด" : "ธนาคาร", "amount": applied.settlement.amount.thaiText,
                "on": PageRenderer.thaiTime(applied.settlement.at), "credit": applied.credit.satang > 0 ? applied.credit.thaiText : "",
            ]
        }
        values["hasSettlements"] = !((values["settlements"] as? [[String: Any]])?.isEmpty ?? true)
        values["suggested"] = ledger.outstanding(bill.reference).decimal
        return try await pages.page("bill", title: "ใบแจ้งหนี้ \(bill.reference)", request: request, status: status, values)
    }

    func printBill(_ request: Request, reference: String) async throws -> Response {
        guard try await staff(request) != nil else { return PageRenderer.redirect("/login") }
        let (values, bill, _) = try await billValues(reference)
        return try await pages.page("bill_print", title: "ใบแจ้งหนี้ \(bill.reference)", request: request, values)
    }

    func cash(_ request: Request, reference: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await staff(request, form: form) else { return PageRenderer.redirect("/login") }
        guard let amount = Money(baht: form["amount"] ?? ""), amount.satang > 0 else {
            return try await bill(request, reference: reference, error: "จำนวนเงินไม่ถูกต้อง (เช่น 150 หรือ 150.50)", status: .unprocessableContent)
        }
        do {
            try await fees.receiveCash(bill: reference, amount: amount, staff: session.user)
        } catch let error as OfficeError {
            return try await bill(request, reference: reference, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/fees/bills/\(reference)")
    }

    static func receiptRow(_ item: (id: String, receipt: Receipt)) -> [String: Any] {
        [
            "id": item.id, "number": item.receipt.number.description, "bill": item.receipt.bill, "amount": item.receipt.amount.thaiText,
            "on": PageRenderer.thaiTime(item.receipt.at), "staff": item.receipt.staff, "voided": item.receipt.voided != nil,
            "voidReason": item.receipt.voided?.reason ?? "", "voidBy": item.receipt.voided?.by ?? "",
        ]
    }

    func receipts(_ request: Request, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = try await staff(request) else { return PageRenderer.redirect("/login") }
        var values: [String: Any] = ["csrf": session.csrf, "rows": try await fees.receipts().prefix(1_000).map(Self.receiptRow)]
        if let error { values["error"] = error }
        return try await pages.page("receipts", title: "ใบเสร็จรับเงิน", request: request, status: status, values)
    }

    func void(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await staff(request, form: form) else { return PageRenderer.redirect("/login") }
        do {
            try await fees.voidReceipt(form["receipt"] ?? "", reason: form["reason"] ?? "", staff: session.user)
        } catch let error as OfficeError {
            return try await receipts(request, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/fees/receipts")
    }

    // MARK: Review and report

    func review(_ request: Request) async throws -> Response {
        guard try await staff(request) != nil else { return PageRenderer.redirect("/login") }
        let rows = try await fees.reviewQueue().map { item -> [String: Any] in
            let confirmation = item.payment.confirmation
            let reason: String =
                item.payment.match == PaymentMatch.waiting.code
                ? "ยังไม่พบใบแจ้งหนี้ \(confirmation.reference1) (รอใบแจ้งหนี้ถึงศูนย์กลาง)"
                : PaymentMatch.Reason(rawValue: item.payment.match)?.thai ?? item.payment.match
            return [
                "bank": item.payment.bank, "transaction": confirmation.transactionID, "amount": confirmation.amount.thaiText,
                "reference1": confirmation.reference1, "reference2": confirmation.reference2 ?? "", "on": PageRenderer.thaiTime(confirmation.paidAt),
                "reason": reason, "code": item.payment.match, "credit": item.credit.satang > 0 ? item.credit.thaiText : "",
                "bill": item.payment.bill ?? "", "hasBill": item.payment.bill != nil,
            ]
        }
        return try await pages.page("review", title: "รายการชำระเงินที่ต้องตรวจสอบ", request: request, ["rows": rows, "count": rows.count])
    }

    func report(_ request: Request) async throws -> Response {
        guard try await staff(request) != nil else { return PageRenderer.redirect("/login") }
        let report = try await fees.report()
        func percent(_ permille: Int?) -> String { permille.map { "\($0 / 10).\($0 % 10)%" } ?? "–" }
        let months = report.months.map { month -> [String: Any] in
            let permille = month.billed.satang > 0 ? Int(month.collected.satang * 1_000 / month.billed.satang) : nil
            return [
                "period": month.period.thaiText, "billed": month.billed.thaiText, "collected": month.collected.thaiText, "rate": percent(permille),
            ]
        }
        let villages = report.villages.map { village -> [String: Any] in
            [
                "village": village.village == 0 ? "ไม่ระบุหมู่" : "หมู่ \(village.village)", "billed": village.billed.thaiText,
                "collected": village.collected.thaiText, "rate": percent(village.permille),
            ]
        }
        let arrears = report.arrears.prefix(500).map { item -> [String: Any] in
            [
                "payer": item.payer, "name": item.name, "village": item.village, "owed": item.owed.thaiText, "since": item.oldestDue.thaiShortText,
                "bills": item.bills,
            ]
        }
        return try await pages.page(
            "fee_report", title: "รายงานค่าธรรมเนียม", request: request,
            ["months": months, "villages": villages, "arrears": arrears, "arrearsCount": report.arrears.count])
    }
}
