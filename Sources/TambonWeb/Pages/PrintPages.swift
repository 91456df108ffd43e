import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

/// The documents staff print (A4) once an application is approved: the building permit (แบบ อ.1) and the
/// food-place notification certificate. Before that, a page saying there is nothing to print yet.
struct PrintPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/office/applications/:id/permit") { request, context in
            try await self.permit(request, id: try context.parameters.require("id"))
        }
        router.get("/office/applications/:id/certificate") { request, context in
            try await self.certificate(request, id: try context.parameters.require("id"))
        }
    }

    func permit(_ request: Request, id: String) async throws -> Response {
        guard let session = try await pages.staffOrLogin(request) else { return PageRenderer.redirect("/login") }
        let application = try await web.application(id, for: session)
        guard let number = application.state.number, application.state.status == .approved,
            let approval = application.timeline.entries.last(where: { $0.applied && $0.event.action == "approve" })
        else {
            return try await pages.page("error", title: "ยังไม่มีใบอนุญาต", request: request, status: .conflict,
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
            "area": details["floor_area_m2"]?.numberValue.map { String($0) } ?? "",
            "storeys": details["storeys"]?.numberValue.map { String(Int($0)) } ?? "",
            "use": BuildingPermitDetails.useText(details["building_use"]?.stringValue ?? ""),
            "issued": issued.thaiText, "validUntil": issued.adding(years: web.book.catalog.settings(BuildingPermitService.self).permit.validityYears).thaiText,
        ]
        return try await pages.page("permit", title: "ใบอนุญาต", request: request, values)
    }

    /// The printable food-place notification certificate (A4), once approved.
    func certificate(_ request: Request, id: String) async throws -> Response {
        guard let session = try await pages.staffOrLogin(request) else { return PageRenderer.redirect("/login") }
        let application = try await web.application(id, for: session)
        let state = application.state
        guard application.service == FoodCertificateWorkflow.service, let number = state.number, state.status == .approved,
            let approval = application.timeline.entries.last(where: { $0.applied && $0.event.action == "approve" })
        else {
            return try await pages.page("error", title: "ยังไม่มีหนังสือรับรอง", request: request, status: .conflict, [
                "message": "คำขอนี้ยังไม่ได้รับหนังสือรับรอง", "message_en": "no certificate has been issued for this application",
            ])
        }
        let today = web.book.today()
        let details = application.details
        let dues = FoodCertificateForm.dues(of: application, catalog: web.book.catalog, on: today)
        // The certificate runs to the day before the next year's fee falls due.
        let current = dues.last
        let signatory = web.book.catalog.signatory
        var values: [String: Any] = [
            "number": number.description, "office": "\(web.node.name) (\(application.office))",
            "notifier": application.applicant["name"]?.stringValue ?? "",
            "notifierKind": application.applicant["kind"]?.stringValue == "juristic" ? "นิติบุคคล" : "บุคคลธรรมดา",
            "establishment": details["establishment_name"]?.stringValue ?? "",
            "placeKind": (details["place_kind"]?.stringValue).flatMap(FoodCertificateDetails.PlaceKind.init(rawValue:))?.thai ?? "",
            "area": PageRenderer.plain(details["area_m2"] ?? .null),
            "workers": details["workers"]?.numberValue.map { String(Int($0)) } ?? "",
            "address": details["address"]?.stringValue ?? "",
            "fee": current.map { $0.amount.thaiText } ?? "-", "feeYear": current.map { String($0.year) } ?? "",
            "receipt": current?.payment?.receipt ?? "ยังไม่ชำระ",
            "validUntil": current.map { $0.dueOn.adding(years: 1).adding(days: -1).thaiText } ?? "",
            "issued": approval.event.date.thaiText, "replacement": state.replacements > 0 ? "ใบแทน ครั้งที่ \(state.replacements)" : "",
        ]
        // Absent, not empty, when the office has set no signatory: the template leaves the lines out.
        if let signatory { values["signatoryName"] = signatory.name; values["signatoryTitle"] = signatory.title }
        return try await pages.page("certificate", title: "หนังสือรับรองการแจ้ง", request: request, values)
    }
}
