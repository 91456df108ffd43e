import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// What every page shares: the compiled templates and the layout's values (office, staff session, sync state),
/// the public forms' token, reading a posted form, the staff session or a way to the login page, redirects, and
/// JSON as plain values for Mustache. Every form posts back to the server; errors come back next to their fields
/// with the input kept.
struct PageRenderer: Sendable {
    let web: OfficeWeb
    let library: MustacheLibrary

    init(web: OfficeWeb) {
        self.web = web
        library = try! PageTemplates.library()
    }

    func page(
        _ template: String, title: String, request: Request, status: HTTPResponse.Status = .ok, _ values: [String: Any] = [:]
    ) async throws -> Response {
        var context = values
        context["title"] = title
        context["officeName"] = web.node.name
        if let session = await web.session(of: request) {
            context["user"] = session.user
            context["role"] = session.role.rawValue
            context["csrf"] = session.csrf
            context["sync"] = try await syncBanner()
        }
        // Public forms carry a token matching a SameSite=Strict cookie, so another site cannot post them.
        let existing = request.cookies[Self.formCookie]?.value
        let formToken = existing.flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0 : nil } ?? SessionStore.randomToken()
        context["formToken"] = formToken
        let html = library.render(context, withTemplate: template) ?? ""
        var headers = HTTPFields()
        if existing != formToken {
            headers[.setCookie] = web.cookie(Self.formCookie, formToken).description
        }
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let formCookie = "tambon_form"

    /// A part of a page (a service's panel) rendered on its own, to be placed unescaped in the page.
    func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? ""
    }

    /// Checks a public form's token against its cookie; a missing or different one is refused (403), nothing done.
    func checkFormToken(_ request: Request, _ form: FormBody) throws {
        guard let cookie = request.cookies[Self.formCookie]?.value, let token = form["form_token"],
            OfficeWeb.constantTimeEquals(cookie, token)
        else { throw WebError.badCSRF }
    }

    static func redirect(_ location: String, cookie: Cookie? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie.description }
        return Response(status: .seeOther, headers: headers)
    }

    /// The staff session of a page request, or nil when there is none (the page then sends to the login page).
    func staffOrLogin(_ request: Request, csrf: String? = nil) async throws -> SessionStore.Session? {
        do {
            return try await web.staff(request, csrf: csrf)
        } catch let error as WebError where error.code == WebError.unauthenticated.code {
            return nil
        }
    }

    /// The node's sync state, on every staff page.
    func syncBanner() async throws -> [String: Any] {
        let pending = try await web.store.pendingCount()
        guard let link = try await web.store.hubLink() else {
            return [
                "text": "ยังไม่ได้เชื่อมต่อศูนย์กลาง (ทำงานแบบออฟไลน์) · รอส่ง \(pending) รายการ",
                "text_en": "not enrolled with a hub (working offline) · \(pending) change(s) waiting", "down": false,
            ]
        }
        let last = link.lastSuccessMillis.map(Self.thaiTime) ?? "ยังไม่เคย"
        var text = "ซิงก์สำเร็จล่าสุด \(last) · รอส่ง \(pending) รายการ"
        var english = "last successful sync \(link.lastSuccessMillis.map(Self.thaiTime) ?? "never") · \(pending) change(s) waiting"
        let down = link.lastErrorMillis.map { $0 > (link.lastSuccessMillis ?? 0) } ?? false
        if down {
            text += " · ติดต่อศูนย์กลางไม่ได้ตั้งแต่หลัง \(last)"
            english += " · hub unreachable since after \(link.lastSuccessMillis.map(Self.thaiTime) ?? "enrolment")"
        }
        return ["text": text, "text_en": english, "down": down]
    }

    /// `26 พ.ย. 2569 09:05` (Thai time).
    static func thaiTime(_ millis: Int64) -> String { CivilDate.thaiTime(millis) }

    /// The largest form body: a few attachments with the application (the citizen's form, the only one with files).
    static let maximumFormBytes = 3 * AttachmentPolicy.maximumBytes
    /// Every other form — log in, log out, an action, a withdrawal — is a few fields: nothing more is read, so no
    /// one makes the node read megabytes before the session or CSRF check.
    static let smallFormBytes = 64 << 10

    static func form(_ request: Request, maximumBytes: Int = smallFormBytes) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await BodyReader.collect(request, upTo: maximumBytes)
        } catch let error as WebError where error.kind != .tooLarge {
            throw error
        } catch {
            throw maximumBytes > smallFormBytes
                ? WebError(
                    .tooLarge, "too_large", th: "ไฟล์ที่แนบรวมกันใหญ่เกินไป (รวมไม่เกิน 60 MB)", en: "the form is too large (60 MiB at most)")
                : WebError(.tooLarge, "too_large", th: "แบบฟอร์มใหญ่เกินไป (ไม่เกิน 64 KB)", en: "the form is too large (64 KiB at most)")
        }
        return try FormBody(contentType: request.headers[.contentType], bytes: Array(buffer: buffer))
    }

    /// Each workflow action as the citizen's and the staff's timelines name it.
    static let actionLabels: [String: String] = [
        "submit": "ยื่นคำขอ", "accept": "รับคำขอ (เอกสารครบ)", "return": "ส่งคืนให้เพิ่มเอกสาร", "assign-inspection": "มอบหมายตรวจสถานที่",
        "record-inspection": "บันทึกผลตรวจสถานที่", "extend": "ขยายเวลาพิจารณา", "approve": "อนุญาต (ออกเลขที่)", "reject": "ไม่อนุญาต",
        "withdraw": "ถอนคำขอ", "renew": "ต่ออายุ (ค่าธรรมเนียมปีถัดไป)", "record-payment": "บันทึกการชำระค่าธรรมเนียม",
        "replace": "ออกใบแทน", "revoke": "เพิกถอน", "notify-closure": "แจ้งเลิกกิจการ",
    ]

    /// A JSON object as plain values for Mustache.
    static func plain(_ members: [String: JSONValue]) -> [String: Any] {
        members.mapValues(plain)
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag
        case .number(let number): return JSONValue.plainText(number)
        case .string(let text): return text
        case .array(let items): return items.map(plain)
        case .object(let members): return plain(members)
        }
    }
}
