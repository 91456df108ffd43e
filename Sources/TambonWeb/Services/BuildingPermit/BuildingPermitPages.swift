import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The building permit's web part: the form (แบบ ข.1), the staff panel (the building and its fee) and the permit
/// (แบบ อ.1) printed once approved.
enum BuildingPermitPages: ServicePages {
    typealias Form = BuildingPermitForm
    static let service = ServiceID.buildingPermit

    static let templates: [String: [UInt8]] = [
        "apply": PackageResources.apply_mustache, "permit": PackageResources.permit_mustache,
        "permit_panel": PackageResources.permit_panel_mustache,
    ]

    static let panelTemplate = "permit_panel"

    static func panelValues(_ application: ApplicationRecord, catalog: ServiceCatalog, on today: CivilDate) -> [String: Any] {
        [
            "landText": BuildingPermitDetails.landTitleText(application.details["land_title"]),
            "useText": BuildingPermitDetails.useText(application.details["building_use"]?.stringValue ?? ""),
        ]
    }

    static func addAPIRoutes(to api: RouterGroup<TambonRequestContext>, web: OfficeWeb) {
        api.get("fees/building-permit") { request, _ in try quote(request, web: web) }
    }

    /// The largest area a fee quote is given for (m²): far beyond any building, and far from any trapping conversion.
    static let maximumQuotedArea = 1_000_000.0

    /// `GET /api/v1/fees/building-permit?floor_area_m2=…&storeys=…`: the fees a building comes to today.
    static func quote(_ request: Request, web: OfficeWeb) throws -> Response {
        let query = request.uri.queryParameters
        guard let area = query["floor_area_m2"].flatMap({ Double(String($0)) }), area > 0, area <= Self.maximumQuotedArea,
            let storeys = query["storeys"].flatMap({ Int(String($0)) }), (1...10).contains(storeys)
        else {
            throw WebError(
                .invalid, "invalid_input", th: "ต้องระบุพื้นที่ (floor_area_m2, มากกว่า 0 ถึง 1,000,000) และจำนวนชั้น (storeys, 1–10)",
                en: "give floor_area_m2 (over 0, at most 1,000,000) and storeys (1–10)")
        }
        let settings = web.book.catalog.settings(BuildingPermitService.self)
        guard let schedule = settings.fees.schedule(on: web.book.today()) else {
            throw WebError(.internal, "no_fee_schedule", th: "ยังไม่ได้กำหนดอัตราค่าธรรมเนียม", en: "no fee schedule in force")
        }
        let quote = schedule.quote(area: area, storeys: storeys)
        return JSONResponse.make([
            "plan_check": .number(Double(quote.planCheckFee.satang)), "permit": .number(Double(quote.permitFee.satang)),
            "total": .number(Double(quote.total.satang)), "total_th": .string(quote.total.thaiText),
            "over_limit": .bool(area > settings.permit.maximumAreaSquareMetres),
        ])
    }

    static let printPath = "permit"
    static let printName = "ใบอนุญาต"
    static let notYetIssued = (title: "ยังไม่มีใบอนุญาต", thai: "คำขอนี้ยังไม่ได้รับอนุญาต", english: "this application has not been approved")

    static func printed(_ application: ApplicationRecord, office: OfficeWeb, on today: CivilDate) -> PrintedDocument? {
        guard let (number, issued) = approval(of: application) else { return nil }
        let details = application.details
        let location = details["location"]?.objectValue ?? [:]
        let validity = office.book.catalog.settings(BuildingPermitService.self).permit.validityYears
        let values: [String: Any] = [
            "number": number.description, "office": "\(office.node.name) (\(application.office ?? office.node.office))",
            "applicant": application.applicant["name"]?.stringValue ?? "",
            "land": BuildingPermitDetails.landTitleText(details["land_title"]),
            "lat": location["lat"]?.numberValue.map { String($0) } ?? "", "lon": location["lon"]?.numberValue.map { String($0) } ?? "",
            "area": details["floor_area_m2"]?.numberValue.map { String($0) } ?? "",
            "storeys": details["storeys"]?.numberValue.map(JSONValue.plainText) ?? "",
            "use": BuildingPermitDetails.useText(details["building_use"]?.stringValue ?? ""),
            "issued": issued.thaiText, "validUntil": issued.adding(years: validity).thaiText,
        ]
        return PrintedDocument(template: "permit", title: "ใบอนุญาต", values: values)
    }
}
