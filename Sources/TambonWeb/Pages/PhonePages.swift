import Hummingbird
import TambonCodes
import TambonCore
import TambonOSS
import TambonOffice
import TambonWebKit

/// The office's page for survey officers' phones (`/office/phones`, admins only): for each surveyor account, a
/// one-time token from the hub bound to that officer (SPEC §11a), shown as a QR code of the app's address with the
/// token in it. The phone scans it and enrols; it then holds only that officer's assigned inspections.
struct PhonePages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/office/phones") { request, _ in try await self.page(request, issued: nil, error: nil) }
        router.post("/office/phones") { request, _ in try await self.issue(request) }
    }

    func page(_ request: Request, issued: [String: Any]?, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        guard session.role == .admin else {
            throw WebError(.forbidden, "forbidden", th: "เฉพาะผู้ดูแลระบบของสำนักงาน", en: "only the office's admin manages phones")
        }
        let surveyors = try await web.users.accounts().filter { $0.role == .surveyor && !$0.disabled }.map { ["name": $0.name] }
        var values: [String: Any] = ["csrf": session.csrf, "surveyors": surveyors, "hasSurveyors": !surveyors.isEmpty]
        if let issued { values["issued"] = issued }
        if let error { values["error"] = error }
        return try await pages.page("phones", title: "โทรศัพท์ช่างสำรวจ", request: request, status: status, values)
    }

    func issue(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        guard session.role == .admin else {
            throw WebError(.forbidden, "forbidden", th: "เฉพาะผู้ดูแลระบบของสำนักงาน", en: "only the office's admin manages phones")
        }
        let officer = form["officer"] ?? ""
        guard let account = try await web.users.accounts().first(where: { $0.name == officer }), account.role == .surveyor, !account.disabled else {
            return try await page(request, issued: nil, error: "ไม่พบบัญชีเจ้าหน้าที่สำรวจ \(officer)", status: .unprocessableContent)
        }
        guard let issuer = web.phoneTokens else {
            return try await page(request, issued: nil, error: "เครื่องนี้ยังไม่ได้เชื่อมกับศูนย์กลาง จึงออกรหัสโทรศัพท์ไม่ได้", status: .conflict)
        }
        let issued: (token: String, hubURL: String)
        do {
            issued = try await issuer(officer)
        } catch {
            return try await page(
                request, issued: nil, error: "ติดต่อศูนย์กลางไม่ได้ ลองอีกครั้งเมื่อมีสัญญาณ (\(String(describing: error).prefix(120)))",
                status: .serviceUnavailable)
        }
        // The app's address with the office and the token after '#': never sent to any server, read by the app.
        let link = "\(issued.hubURL)/survey/#office=\(session.office)&token=\(issued.token)"
        let qr = (try? QRCode.matrix(for: link)).map { SVGCode.qr($0, pixels: 260, title: "QR ลงทะเบียนโทรศัพท์ของ \(officer)") } ?? ""
        return try await page(request, issued: ["officer": officer, "token": issued.token, "link": link, "qr": qr], error: nil)
    }
}
