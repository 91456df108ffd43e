import HTTPTypes
import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonWebKit

/// The citizens' pages: the services' forms (an application filed with its files, all or nothing), tracking an
/// application and withdrawing it.
struct CitizenPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/") { request, _ in try await pages.page("home", title: "บริการประชาชน", request: request) }
        for service in ServicePagesCatalog.all { addForm(of: service, to: router) }
        router.get("/track") { request, _ in try await self.track(request) }
        router.post("/track/withdraw") { request, _ in try await self.withdraw(request) }
    }

    /// `/apply/<service>`: the service's form, empty, and its posting.
    func addForm<Service: ServicePages>(of _: Service.Type, to router: Router<TambonRequestContext>) {
        router.get("/apply/\(Service.service.rawValue)") { request, _ in try await self.blank(Service.Form.self, request) }
        router.post("/apply/\(Service.service.rawValue)") { request, _ in try await self.submit(Service.Form.self, request) }
    }

    /// A service's form, empty.
    func blank<Form: ServiceForm>(_: Form.Type, _ request: Request) async throws -> Response {
        try await pages.page(Form.template, title: Form.title, request: request, Form.blank.values(errors: [:]))
    }

    /// A posted form: a preview step (the building permit's quote, with the input kept) shows the form again with
    /// what it adds; otherwise the application is filed.
    func submit<Form: ServiceForm>(_: Form.Type, _ request: Request) async throws -> Response {
        let body = try await PageRenderer.form(request, maximumBytes: PageRenderer.maximumFormBytes)
        try pages.checkFormToken(request, body)
        let form = Form(body)
        guard body["step"] == "quote", let preview = form.preview(web.book.catalog, on: web.book.today()) else {
            return try await file(request, body: body, form: form)
        }
        return try await pages.page(Form.template, title: Form.title, request: request, form.values(errors: [:]).merging(preview) { $1 })
    }

    /// Files an application with the form's files, all or nothing (no application, nor half of one, when a file
    /// cannot be stored); on a refusal, the form again with each field's error.
    func file<Form: ServiceForm>(_ request: Request, body: FormBody, form: Form) async throws -> Response {
        do {
            let application = try await web.book.submit(
                service: Form.service, applicant: form.applicant, details: form.details, attachments: try Self.uploads(body))
            let total = Money(satang: application.fees["total"]?.integerValue ?? 0)
            return try await pages.page(
                "submitted", title: "ยื่นคำขอแล้ว", request: request, status: .created,
                ["code": application.trackingCode, "total": total.thaiText])
        } catch let error as OfficeError {
            var errors: [String: String] = [:]
            for field in error.fields { errors[field.field] = field.thai }
            var values = form.values(errors: errors)
            values["formError"] = error.thai
            return try await pages.page(Form.template, title: Form.title, request: request, status: .unprocessableContent, values)
        }
    }

    /// The form's files, each checked first, so a bad one is refused beside its own field (named in the error)
    /// before anything is stored.
    static func uploads(_ body: FormBody) throws -> [ApplicationBook.Upload] {
        try body.files.map { file in
            do throws(FieldError) {
                _ = try AttachmentPolicy.check(file.bytes, name: file.name, kind: kind(ofField: file.field))
            } catch {
                let field = FieldError(file.field, th: "\(file.name): \(error.thai)", en: "\(file.name): \(error.english)")
                throw OfficeError.invalid(ValidationErrors([field]))
            }
            return ApplicationBook.Upload(bytes: file.bytes, name: file.name, kind: kind(ofField: file.field))
        }
    }

    /// The attachment kind of a file input of the application form (`plans`, `documents`).
    static func kind(ofField field: String) -> String { field == "plans" ? "plan" : field == "photos" ? "photo" : "document" }

    /// The applicant withdraws from the tracking page, proving it is theirs with their national ID.
    func withdraw(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        try pages.checkFormToken(request, form)
        let code = form["code"] ?? ""
        do {
            let application = try await web.book.application(code)
            guard let id = try? NationalID(form["national_id"] ?? ""), application.applicant["national_id"]?.stringValue == id.digits else {
                return try await track(request, code: code, message: "เลขประจำตัวประชาชนไม่ตรงกับผู้ยื่นคำขอ", status: .forbidden)
            }
            try await web.book.act(on: application.id, action: "withdraw", payload: [:], actor: "citizen", role: .citizen)
            return PageRenderer.redirect("/track?code=\(application.trackingCode)")
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
                values["app"] = tracked(application)
            } else {
                values["notFound"] = true
            }
        }
        return try await pages.page("track", title: "ติดตามคำขอ", request: request, status: status, values)
    }

    /// What the public tracking page shows of an application: its status, deadline and timeline, no personal data.
    func tracked(_ application: ApplicationRecord) -> [String: Any] {
        let today = web.book.today()
        var app: [String: Any] = [
            "status_th": application.state.status?.thai ?? "-",
            "days_left": application.state.clock.daysLeft(on: today).map(String.init) ?? "",
            "open": !application.isClosed, "code": application.trackingCode,
            "canUpload": application.state.status == .submitted || application.state.status == .returned,
            "attachments": String(application.attachments.count),
            "timeline": application.timeline.entries.map { entry in
                [
                    "on": entry.event.date.thaiShortText,
                    "label": PageRenderer.actionLabels[entry.event.action.rawValue] ?? entry.event.action.rawValue,
                    "applied": entry.applied, "reason": entry.refusal?.thai ?? "",
                ] as [String: Any]
            },
        ]
        if let number = application.state.number { app["number"] = number.description }
        if let due = application.deadline(on: today) { app["due"] = due.thaiText }
        return app
    }
}
