import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

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

    static let printPath = "permit"
    static let printName = "ใบอนุญาต"
    static let notYetIssued = (title: "ยังไม่มีใบอนุญาต", thai: "คำขอนี้ยังไม่ได้รับอนุญาต", english: "this application has not been approved")

    static func printed(_ application: ApplicationRecord, office: OfficeWeb, on today: CivilDate) -> PrintedDocument? {
        guard let (number, issued) = approval(of: application) else { return nil }
        let details = application.details
        let location = details["location"]?.objectValue ?? [:]
        let validity = office.book.catalog.settings(BuildingPermitService.self).permit.validityYears
        let values: [String: Any] = [
            "number": number.description, "office": "\(office.node.name) (\(application.office))",
            "applicant": application.applicant["name"]?.stringValue ?? "",
            "land": BuildingPermitDetails.landTitleText(details["land_title"]),
            "lat": location["lat"]?.numberValue.map { String($0) } ?? "", "lon": location["lon"]?.numberValue.map { String($0) } ?? "",
            "area": details["floor_area_m2"]?.numberValue.map { String($0) } ?? "",
            "storeys": details["storeys"]?.numberValue.map { String(Int($0)) } ?? "",
            "use": BuildingPermitDetails.useText(details["building_use"]?.stringValue ?? ""),
            "issued": issued.thaiText, "validUntil": issued.adding(years: validity).thaiText,
        ]
        return PrintedDocument(template: "permit", title: "ใบอนุญาต", values: values)
    }
}
