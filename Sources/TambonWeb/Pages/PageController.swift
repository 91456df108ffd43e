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

/// The server-rendered pages: citizens' forms and tracking, staff login, queue, application page, printing.
/// Every form posts back to the server; errors come back next to their fields with the input kept.
struct PageController: Sendable {
    let web: OfficeWeb
    let library: MustacheLibrary

    init(web: OfficeWeb) {
        self.web = web
        library = try! PageTemplates.library()
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try await self.page("home", title: "บริการประชาชน", request: request) }
        router.get("/apply/building-permit") { request, _ in
            try await self.page("apply", title: Self.forms[BuildingPermitWorkflow.service]!.title, request: request, Self.applyForm([:], errors: [:]))
        }
        router.post("/apply/building-permit") { request, _ in try await self.submit(request) }
        router.get("/apply/food-certificate") { request, _ in
            try await self.page("apply_food", title: Self.forms[FoodCertificateWorkflow.service]!.title, request: request, Self.foodForm([:], errors: [:]))
        }
        router.post("/apply/food-certificate") { request, _ in try await self.submitFood(request) }
        router.get("/track") { request, _ in try await self.track(request) }
        router.post("/track/withdraw") { request, _ in try await self.withdraw(request) }
        router.get("/login") { request, _ in try await self.page("login", title: "เข้าสู่ระบบ", request: request) }
        router.post("/login") { request, _ in try await self.login(request) }
        router.post("/logout") { request, _ in try await self.logout(request) }
        router.get("/office") { request, _ in try await self.queue(request) }
        router.get("/office/applications/:id") { request, context in
            guard let session = try await self.staffOrLogin(request) else { return Self.redirect("/login") }
            return try await self.application(request, session: session, id: try context.parameters.require("id"), error: nil)
        }
        router.post("/office/applications/:id/actions") { request, context in try await self.act(request, id: try context.parameters.require("id")) }
        router.get("/office/applications/:id/permit") { request, context in try await self.permit(request, id: try context.parameters.require("id")) }
        router.get("/office/applications/:id/certificate") { request, context in try await self.certificate(request, id: try context.parameters.require("id")) }
    }

    // MARK: - Rendering

    func page(_ template: String, title: String, request: Request, status: HTTPResponse.Status = .ok, _ values: [String: Any] = [:]) async throws -> Response {
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
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let formCookie = "tambon_form"

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

    /// The node's sync state, on every staff page.
    func syncBanner() async throws -> [String: Any] {
        let pending = try await web.store.pendingCount()
        guard let link = try await web.store.hubLink() else {
            return ["text": "ยังไม่ได้เชื่อมต่อศูนย์กลาง (ทำงานแบบออฟไลน์) · รอส่ง \(pending) รายการ",
                    "text_en": "not enrolled with a hub (working offline) · \(pending) change(s) waiting", "down": false]
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

    /// The largest form body: a few attachments with the application.
    static let maximumFormBytes = 3 * AttachmentPolicy.maximumBytes

    static func form(_ request: Request) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumFormBytes)
        } catch {
            throw WebError(.contentTooLarge, "too_large", th: "ไฟล์ที่แนบรวมกันใหญ่เกินไป (รวมไม่เกิน 60 MB)", en: "the form is too large (60 MiB at most)")
        }
        return try FormBody(contentType: request.headers[.contentType], bytes: Array(buffer: buffer))
    }

    // MARK: - Citizens

    static let applicantFields = ["name", "national_id", "phone", "address"]
    static let detailFields = ["land_title_type", "land_title_number", "building_use", "storeys", "floor_area_m2", "lat", "lon"]

    static func applyForm(_ input: [String: String], errors: [String: String]) -> [String: Any] {
        var f: [String: Any] = [:]
        for key in applicantFields + detailFields { f[key] = input[key] ?? "" }
        for (field, message) in errors { f["e_" + field] = message }
        f["titleKinds"] = BuildingPermitDetails.landTitleKinds.sorted { $0.key < $1.key }.map {
            ["value": $0.key, "label": $0.value, "selected": input["land_title_type"] == $0.key]
        }
        let useOrder = ["residence", "shophouse", "warehouse", "other"]
        f["uses"] = useOrder.compactMap { key in BuildingPermitDetails.uses[key].map { (key: key, value: $0) } }.map { ["value": $0.key, "label": $0.value, "selected": input["building_use"] == $0.key] }
        return ["f": f]
    }

    func submit(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        try checkFormToken(request, form)
        var input: [String: String] = [:]
        for key in Self.applicantFields { input[key] = form["applicant." + key] ?? "" }
        for key in Self.detailFields { input[key] = form["details." + key] ?? "" }
        var details: [String: JSONValue] = [
            "land_title": ["type": .string(input["land_title_type"]!), "number": .string(input["land_title_number"]!)],
            "building_use": .string(input["building_use"]!),
        ]
        if let storeys = Double(input["storeys"]!) { details["storeys"] = .number(storeys) }
        if let area = Double(input["floor_area_m2"]!) { details["floor_area_m2"] = .number(area) }
        if let lat = Double(input["lat"]!), let lon = Double(input["lon"]!) { details["location"] = ["lat": .number(lat), "lon": .number(lon)] }
        let applicant = Self.applicantFields.reduce(into: [String: JSONValue]()) { $0[$1] = .string(input[$1]!) }
        if form["step"] == "quote" {
            var values = Self.applyForm(input, errors: [:])
            if let area = Double(input["floor_area_m2"]!), let storeys = Int(input["storeys"]!), let schedule = web.book.catalog.buildingPermitFees.schedule(on: web.book.today()) {
                let quote = schedule.quote(area: area, storeys: storeys)
                values["quote"] = ["planCheck": quote.planCheckFee.thaiText, "permit": quote.permitFee.thaiText, "total": quote.total.thaiText]
            }
            return try await page("apply", title: "ขออนุญาตก่อสร้างอาคาร", request: request, values)
        }
        return try await file(request, form: form, service: BuildingPermitWorkflow.service, applicant: applicant, details: details) { errors in
            Self.applyForm(input, errors: errors)
        }
    }

    /// Files an application with the form's files; on a refusal, the form again (`values`) with each field's error.
    func file(
        _ request: Request, form: FormBody, service: String, applicant: [String: JSONValue], details: [String: JSONValue],
        values: ([String: String]) -> [String: Any]
    ) async throws -> Response {
        do {
            // Every file is checked before anything is stored, so a bad one leaves no half-filed application.
            for file in form.files {
                do throws(FieldError) {
                    _ = try AttachmentPolicy.check(file.bytes, name: file.name, kind: Self.kind(ofField: file.field))
                } catch {
                    throw OfficeError.invalid(ValidationErrors([FieldError(file.field, th: "\(file.name): \(error.thai)", en: "\(file.name): \(error.english)")]))
                }
            }
            let application = try await web.book.submit(service: service, applicant: applicant, details: details)
            for file in form.files {
                try await web.book.attach(to: application.id, bytes: file.bytes, name: file.name, kind: Self.kind(ofField: file.field),
                                          actor: "citizen", role: .citizen)
            }
            let total = Money(satang: Int64(application.fees["total"]?.numberValue ?? 0))
            return try await page("submitted", title: "ยื่นคำขอแล้ว", request: request, status: .created, ["code": application.id, "total": total.thaiText])
        } catch let error as OfficeError {
            var errors: [String: String] = [:]
            for field in error.fields { errors[field.field] = field.thai }
            var values = values(errors)
            values["formError"] = error.thai
            let form = Self.forms[service]!
            return try await page(form.template, title: form.title, request: request, status: .unprocessableContent, values)
        }
    }

    static let foodApplicantFields = ["name", "national_id", "phone", "address", "kind"]
    static let foodDetailFields = ["establishment_name", "place_kind", "area_m2", "in_market", "workers", "address", "lat", "lon"]

    static func foodForm(_ input: [String: String], errors: [String: String]) -> [String: Any] {
        var f: [String: Any] = [:]
        for key in foodApplicantFields { f["a_" + key] = input["a_" + key] ?? "" }
        for key in foodDetailFields { f["d_" + key] = input["d_" + key] ?? "" }
        for (field, message) in errors { f["e_" + field] = message }
        f["kinds"] = [("person", "บุคคลธรรมดา"), ("juristic", "นิติบุคคล")].map { ["value": $0.0, "label": $0.1, "selected": input["a_kind"] == $0.0] }
        f["placeKinds"] = FoodCertificateDetails.PlaceKind.allCases.map { ["value": $0.rawValue, "label": $0.thai, "selected": input["d_place_kind"] == $0.rawValue] }
        f["inMarket"] = input["d_in_market"] == "yes"
        return ["f": f]
    }

    func submitFood(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        try checkFormToken(request, form)
        var input: [String: String] = [:]
        for key in Self.foodApplicantFields { input["a_" + key] = form["applicant." + key] ?? "" }
        for key in Self.foodDetailFields { input["d_" + key] = form["details." + key] ?? "" }
        var applicant = ["name", "national_id", "phone", "address"].reduce(into: [String: JSONValue]()) { $0[$1] = .string(input["a_" + $1]!) }
        if !input["a_kind"]!.isEmpty { applicant["kind"] = .string(input["a_kind"]!) }
        var details: [String: JSONValue] = [
            "establishment_name": .string(input["d_establishment_name"]!), "place_kind": .string(input["d_place_kind"]!),
            "in_market": .bool(input["d_in_market"] == "yes"), "address": .string(input["d_address"]!),
        ]
        if let area = Double(input["d_area_m2"]!) { details["area_m2"] = .number(area) }
        if let workers = Double(input["d_workers"]!) { details["workers"] = .number(workers) }
        if let lat = Double(input["d_lat"]!), let lon = Double(input["d_lon"]!) { details["location"] = ["lat": .number(lat), "lon": .number(lon)] }
        return try await file(request, form: form, service: FoodCertificateWorkflow.service, applicant: applicant, details: details) { errors in
            Self.foodForm(input, errors: errors)
        }
    }

    /// The attachment kind of a file input of the application form (`plans`, `documents`).
    static func kind(ofField field: String) -> String { field == "plans" ? "plan" : field == "photos" ? "photo" : "document" }

    /// Each service's citizen form: its template and its title.
    static let forms: [String: (template: String, title: String)] = [
        BuildingPermitWorkflow.service: ("apply", "ขออนุญาตก่อสร้างอาคาร"),
        FoodCertificateWorkflow.service: ("apply_food", "แจ้งจัดตั้งสถานที่จำหน่ายหรือสะสมอาหาร"),
    ]

    static let actionLabels: [String: String] = [
        "submit": "ยื่นคำขอ", "accept": "รับคำขอ (เอกสารครบ)", "return": "ส่งคืนให้เพิ่มเอกสาร", "assign-inspection": "มอบหมายตรวจสถานที่",
        "record-inspection": "บันทึกผลตรวจสถานที่", "extend": "ขยายเวลาพิจารณา", "approve": "อนุญาต (ออกเลขที่)", "reject": "ไม่อนุญาต",
        "withdraw": "ถอนคำขอ", "renew": "ต่ออายุ (ค่าธรรมเนียมปีถัดไป)", "record-payment": "บันทึกการชำระค่าธรรมเนียม",
        "replace": "ออกใบแทน", "revoke": "เพิกถอน", "notify-closure": "แจ้งเลิกกิจการ",
    ]

    /// The applicant withdraws from the tracking page, proving it is theirs with their national ID.
    func withdraw(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        try checkFormToken(request, form)
        let code = form["code"] ?? ""
        do {
            let application = try await web.book.application(code)
            guard let id = try? NationalID(form["national_id"] ?? ""), application.applicant["national_id"]?.stringValue == id.digits else {
                return try await track(request, code: code, message: "เลขประจำตัวประชาชนไม่ตรงกับผู้ยื่นคำขอ", status: .forbidden)
            }
            try await web.book.act(on: application.id, action: "withdraw", payload: [:], actor: "citizen", role: .citizen)
            return Self.redirect("/track?code=\(application.id)")
        } catch let error as OfficeError {
            return try await track(request, code: code, message: error.thai, status: HTTPResponse.Status(code: error.status))
        }
    }

    func track(_ request: Request) async throws -> Response {
        try await track(request, code: request.uri.queryParameters["code"].map(String.init) ?? "", message: nil)
    }

    func track(_ request: Request, code: String, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        var values: [String: Any] = ["code": code]
        if let message { values["message"] = message }
        if !code.isEmpty {
            if let application = try? await web.book.application(code) {
                let today = web.book.today()
                var app: [String: Any] = [
                    "status_th": application.state.status?.thai ?? "-",
                    "days_left": application.state.clock.daysLeft(on: today).map(String.init) ?? "",
                    "open": !application.isClosed, "code": application.id,
                    "canUpload": application.state.status == .submitted || application.state.status == .returned,
                    "attachments": String(application.attachments.count),
                    "timeline": application.timeline.entries.map { entry in
                        ["on": entry.event.date.thaiShortText, "label": Self.actionLabels[entry.event.action] ?? entry.event.action,
                         "applied": entry.applied, "reason": entry.refusal?.thai ?? ""] as [String: Any]
                    },
                ]
                if let number = application.state.number { app["number"] = number.description }
                if let due = application.deadline(on: today) { app["due"] = due.thaiText }
                values["app"] = app
            } else {
                values["notFound"] = true
            }
        }
        return try await page("track", title: "ติดตามคำขอ", request: request, status: status, values)
    }

    // MARK: - Staff

    func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        try checkFormToken(request, form)
        let name = form["name"] ?? ""
        guard let account = try await web.users.authenticate(name: name, password: form["password"] ?? "") else {
            return try await page("login", title: "เข้าสู่ระบบ", request: request, status: .unauthorized,
                                  ["error": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "name": name])
        }
        let session = await web.sessions.start(for: account)
        return Self.redirect("/office", cookie: web.cookie(OfficeWeb.sessionCookie, session.token))
    }

    func logout(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let session = try await web.staff(request, csrf: form["csrf"] ?? "")
        await web.sessions.end(session.token)
        return Self.redirect("/", cookie: web.cookie(OfficeWeb.sessionCookie, "", maxAge: 0))
    }

    func staffOrLogin(_ request: Request, csrf: String? = nil) async throws -> SessionStore.Session? {
        do {
            return try await web.staff(request, csrf: csrf)
        } catch let error as WebError where error.code == WebError.unauthenticated.code {
            return nil
        }
    }

    func queue(_ request: Request) async throws -> Response {
        guard let session = try await staffOrLogin(request) else { return Self.redirect("/login") }
        let query = request.uri.queryParameters
        let status = query["status"].map(String.init).flatMap { $0.isEmpty ? nil : ApplicationStatus(rawValue: $0) }
        // A surveyor sees the inspections assigned to them unless they ask otherwise.
        let assignee = query["assignee"].map(String.init).map { $0.isEmpty ? nil : $0 } ?? (session.role == .surveyor ? session.user : nil)
        let today = web.book.today()
        let service = query["service"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let applications = try await web.book.queue(office: session.office, service: service, status: status, assignee: assignee)
        let rows: [[String: Any]] = applications.map { application in
            let state = application.state
            return ["id": application.id, "service": application.service, "status": state.status?.thai ?? "-",
                    "assignee": state.assignee ?? "", "urgency": DeadlineUrgency(clock: state.clock, status: state.status, on: today).cssClass,
                    "daysLeft": state.clock.daysLeft(on: today).map(String.init) ?? "–"]
        }
        let statuses: [ApplicationStatus] = [.submitted, .accepted, .returned, .inspectionAssigned, .inspected, .approved, .rejected, .withdrawn, .revoked, .closed]
        return try await page("queue", title: "คำขอของสำนักงาน", request: request, [
            "rows": rows, "assignee": assignee ?? "",
            "services": ServiceCatalog.services.map { ["value": $0, "label": ServiceCatalog.names[$0] ?? $0, "selected": $0 == service] },
            "statuses": statuses.map { ["value": $0.rawValue, "label": $0.thai, "selected": $0 == status] },
        ])
    }

    func application(
        _ request: Request, session: SessionStore.Session, id: String, error: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let application = try await web.application(id, for: session)
        let today = web.book.today()
        guard case .object(let view) = application.officeView(on: today) else { throw WebError(.internalServerError, "internal", th: "", en: "") }
        var values = Self.plain(view)
        if let error { values["actionError"] = error }
        values["status_th"] = application.state.status?.thai ?? "-"
        if let due = application.deadline(on: today) { values["due"] = due.thaiText }
        if let number = application.state.number { values["number"] = number.description }
        values["nationalID"] = (try? NationalID(application.applicant["national_id"]?.stringValue ?? ""))?.formatted ?? ""
        values["landText"] = BuildingPermitDetails.landTitleText(application.details["land_title"])
        values["useText"] = BuildingPermitDetails.useText(application.details["building_use"]?.stringValue ?? "")
        values["feeTotal"] = Money(satang: Int64(application.fees["total"]?.numberValue ?? 0)).thaiText
        values["isFood"] = application.service == FoodCertificateWorkflow.service
        values["isPermit"] = application.service == BuildingPermitWorkflow.service
        values["printPath"] = application.service == FoodCertificateWorkflow.service ? "certificate" : "permit"
        values["placeKind"] = (application.details["place_kind"]?.stringValue).flatMap(FoodCertificateDetails.PlaceKind.init(rawValue:))?.thai ?? ""
        values["feesDue"] = application.feesDue(on: today)?.dues.map { due -> [String: Any] in
            ["year": due.year, "dueOn": due.dueOn.thaiText, "amount": due.amount.thaiText, "late": due.isLate,
             "paid": due.payment != nil, "receipt": due.payment?.receipt ?? "", "paidOn": due.payment?.paidOn.thaiText ?? ""]
        } ?? []
        values["attachments"] = application.attachments.map { item -> [String: Any] in
            let hash = item["sha256"]?.stringValue ?? ""
            return ["name": item["name"]?.stringValue ?? hash, "kind": AttachmentPolicy.kinds[item["kind"]?.stringValue ?? ""] ?? "",
                    "size": String((Int(item["size"]?.numberValue ?? 0) + 1023) / 1024), "sha256": hash,
                    "here": web.store.attachments.has(hash), "id": application.id]
        }
        values["canAttach"] = !application.isClosed
        values["csrf"] = session.csrf
        values["atHub"] = try await web.store.hubHasLatestChange(collection: ApplicationRecord.collection, record: application.id)
        values["timeline"] = application.timeline.entries.map { entry in
            var item: [String: Any] = ["on": entry.event.date.thaiShortText, "action": Self.actionLabels[entry.event.action] ?? entry.event.action,
                                       "actor": entry.event.actor, "applied": entry.applied, "not_applied_reason": entry.refusal?.thai ?? ""]
            if let reason = entry.event.payload["reason"]?.stringValue { item["eventReason"] = reason }
            return item
        }
        if let workflow = web.book.catalog.workflow(application.service) {
            let probe = ApplicationEvent.Probe(hlc: HLC(millis: UInt64(max(0, web.store.configuration.wallClock())), counter: 0))
            values["actions"] = workflow.available(to: session.role, actor: session.user, in: application.state, probe: probe).map { action in
                ["action": action, "label": Self.actionLabels[action] ?? action, "id": application.id, "csrf": session.csrf,
                 "needsReason": ["return", "reject", "extend", "revoke"].contains(action), "needsAssignee": action == "assign-inspection",
                 "needsYear": action == "renew" || action == "record-payment", "needsReceipt": action == "record-payment",
                 "year": today.buddhistYear,
                 "needsInspection": action == "record-inspection"] as [String: Any]
            }
        }
        return try await page("application", title: "คำขอ \(application.id)", request: request, status: status, values)
    }

    func act(_ request: Request, id: String) async throws -> Response {
        let form = try await Self.form(request)
        guard let session = try await staffOrLogin(request, csrf: form["csrf"] ?? "") else { return Self.redirect("/login") }
        let action = form["action"] ?? ""
        var payload: [String: JSONValue] = [:]
        if let reason = form["reason"] { payload["reason"] = .string(reason) }
        if let assignee = form["assignee"] { payload["assignee"] = .string(assignee) }
        if let year = form["year"].flatMap(Int.init) { payload["year"] = .number(Double(year)) }
        if let receipt = form["receipt"] { payload["receipt"] = .string(receipt) }
        if action == "record-inspection" {
            var inspection: [String: JSONValue] = ["result": .string(form["result"] ?? ""), "notes": .string(form["notes"] ?? "")]
            for key in ["lat", "lon", "accuracy_m"] { if let number = form[key].flatMap(Double.init) { inspection[key] = .number(number) } }
            payload["inspection"] = .object(inspection)
        }
        let application = try await web.application(id, for: session)
        do {
            try await web.book.act(on: application.id, action: action, payload: payload, actor: session.user, role: session.role)
        } catch let error as OfficeError {
            return try await self.application(request, session: session, id: id, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return Self.redirect("/office/applications/\(application.id)")
    }

    func permit(_ request: Request, id: String) async throws -> Response {
        guard let session = try await staffOrLogin(request) else { return Self.redirect("/login") }
        let application = try await web.application(id, for: session)
        guard let number = application.state.number, application.state.status == .approved,
            let approval = application.timeline.entries.last(where: { $0.applied && $0.event.action == "approve" })
        else {
            return try await page("error", title: "ยังไม่มีใบอนุญาต", request: request, status: .conflict,
                                  ["message": "คำขอนี้ยังไม่ได้รับอนุญาต", "message_en": "this application has not been approved"])
        }
        let issued = approval.event.date
        let details = application.details
        let location = details["location"]?.objectValue ?? [:]
        let values: [String: Any] = [
            "number": number.description, "office": "\(web.node.name) (\(application.office))",
            "applicant": application.applicant["name"]?.stringValue ?? "",
            "land": BuildingPermitDetails.landTitleText(details["land_title"]),
            "lat": location["lat"]?.numberValue.map { String($0) } ?? "", "lon": location["lon"]?.numberValue.map { String($0) } ?? "",
            "area": details["floor_area_m2"]?.numberValue.map { String($0) } ?? "", "storeys": details["storeys"]?.numberValue.map { String(Int($0)) } ?? "",
            "use": BuildingPermitDetails.useText(details["building_use"]?.stringValue ?? ""),
            "issued": issued.thaiText, "validUntil": issued.adding(years: web.book.catalog.buildingPermit.validityYears).thaiText,
        ]
        return try await page("permit", title: "ใบอนุญาต", request: request, values)
    }

    /// The printable food-place notification certificate (A4), once approved.
    func certificate(_ request: Request, id: String) async throws -> Response {
        guard let session = try await staffOrLogin(request) else { return Self.redirect("/login") }
        let application = try await web.application(id, for: session)
        let state = application.state
        guard application.service == FoodCertificateWorkflow.service, let number = state.number, state.status == .approved,
            let approval = application.timeline.entries.last(where: { $0.applied && $0.event.action == "approve" })
        else {
            return try await page("error", title: "ยังไม่มีหนังสือรับรอง", request: request, status: .conflict,
                                  ["message": "คำขอนี้ยังไม่ได้รับหนังสือรับรอง", "message_en": "no certificate has been issued for this application"])
        }
        let today = web.book.today()
        let details = application.details
        let dues = application.feesDue(on: today)?.dues ?? []
        // The certificate runs to the day before the next year's fee falls due.
        let current = dues.last
        let signatory = web.book.catalog.signatory
        var values: [String: Any] = [
            "number": number.description, "office": "\(web.node.name) (\(application.office))",
            "notifier": application.applicant["name"]?.stringValue ?? "",
            "notifierKind": application.applicant["kind"]?.stringValue == "juristic" ? "นิติบุคคล" : "บุคคลธรรมดา",
            "establishment": details["establishment_name"]?.stringValue ?? "",
            "placeKind": (details["place_kind"]?.stringValue).flatMap(FoodCertificateDetails.PlaceKind.init(rawValue:))?.thai ?? "",
            "area": Self.plain(details["area_m2"] ?? .null),
            "workers": details["workers"]?.numberValue.map { String(Int($0)) } ?? "",
            "address": details["address"]?.stringValue ?? "",
            "fee": current.map { $0.amount.thaiText } ?? "-", "feeYear": current.map { String($0.year) } ?? "",
            "receipt": current?.payment?.receipt ?? "ยังไม่ชำระ",
            "validUntil": current.map { $0.dueOn.adding(years: 1).adding(days: -1).thaiText } ?? "",
            "issued": approval.event.date.thaiText, "replacement": state.replacements > 0 ? "ใบแทน ครั้งที่ \(state.replacements)" : "",
        ]
        // Absent, not empty, when the office has set no signatory: the template leaves the lines out.
        if let signatory { values["signatoryName"] = signatory.name; values["signatoryTitle"] = signatory.title }
        return try await page("certificate", title: "หนังสือรับรองการแจ้ง", request: request, values)
    }

    /// A JSON object as plain values for Mustache.
    static func plain(_ members: [String: JSONValue]) -> [String: Any] {
        members.mapValues(plain)
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): return text
        case .array(let items): return items.map(plain)
        case .object(let members): return plain(members)
        }
    }
}
