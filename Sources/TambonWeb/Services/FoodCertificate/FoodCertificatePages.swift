import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

/// The food-place notification certificate's web part: the form, the staff panel (the place and its yearly fees)
/// and the certificate printed once approved.
enum FoodCertificatePages: ServicePages {
    typealias Form = FoodCertificateForm
    static let service = ServiceID.foodCertificate

    static let templates: [String: [UInt8]] = [
        "apply_food": PackageResources.apply_food_mustache, "certificate": PackageResources.certificate_mustache,
        "certificate_panel": PackageResources.certificate_panel_mustache,
    ]

    static let panelTemplate = "certificate_panel"

    static func panelValues(_ application: ApplicationRecord, catalog: ServiceCatalog, on today: CivilDate) -> [String: Any] {
        let kind = (application.details["place_kind"]?.stringValue).flatMap(FoodCertificateDetails.PlaceKind.init(rawValue:))
        return [
            "placeKind": kind?.thai ?? "",
            "feesDue": dues(of: application, catalog: catalog, on: today).map { due -> [String: Any] in
                [
                    "year": due.year, "dueOn": due.dueOn.thaiText, "amount": due.amount.thaiText, "late": due.isLate,
                    "paid": due.payment != nil, "receipt": due.payment?.receipt ?? "", "paidOn": due.payment?.paidOn.thaiText ?? "",
                ]
            },
        ]
    }

    /// A food certificate's yearly fees as of `today`, with the office's fee table; none for other services.
    static func dues(of application: ApplicationRecord, catalog: ServiceCatalog, on today: CivilDate) -> [FoodCertificateDues.Due] {
        guard application.service == service else { return [] }
        return FoodCertificateService.dues(
            settings: catalog.settings(FoodCertificateService.self), state: application.state,
            submittedOn: CivilDate(thaiDayOf: application.submittedMillis), on: today
        ).dues
    }

    static let printPath = "certificate"
    static let printName = "หนังสือรับรอง"
    static let notYetIssued = (
        title: "ยังไม่มีหนังสือรับรอง", thai: "คำขอนี้ยังไม่ได้รับหนังสือรับรอง", english: "no certificate has been issued for this application"
    )

    /// The printable certificate (A4): the current year's fee and receipt, valid to the day before the next year's
    /// fee falls due.
    static func printed(_ application: ApplicationRecord, office: OfficeWeb, on today: CivilDate) -> PrintedDocument? {
        guard let (number, issued) = approval(of: application) else { return nil }
        let details = application.details
        let state = application.state
        let current = dues(of: application, catalog: office.book.catalog, on: today).last
        var values: [String: Any] = [
            "number": number.description, "office": "\(office.node.name) (\(application.office ?? office.node.office))",
            "notifier": application.applicant["name"]?.stringValue ?? "",
            "notifierKind": application.applicant["kind"]?.stringValue == "juristic" ? "นิติบุคคล" : "บุคคลธรรมดา",
            "establishment": details["establishment_name"]?.stringValue ?? "",
            "placeKind": (details["place_kind"]?.stringValue).flatMap(FoodCertificateDetails.PlaceKind.init(rawValue:))?.thai ?? "",
            "area": PageRenderer.plain(details["area_m2"] ?? .null),
            "workers": details["workers"]?.numberValue.map(JSONValue.plainText) ?? "",
            "address": details["address"]?.stringValue ?? "",
            "fee": current.map { $0.amount.thaiText } ?? "-", "feeYear": current.map { String($0.year) } ?? "",
            "receipt": current?.payment?.receipt ?? "ยังไม่ชำระ",
            "validUntil": current.map { $0.dueOn.adding(years: 1).adding(days: -1).thaiText } ?? "",
            "issued": issued.thaiText, "replacement": state.replacements > 0 ? "ใบแทน ครั้งที่ \(state.replacements)" : "",
        ]
        // Absent, not empty, when the office has set no signatory: the template leaves the lines out.
        if let signatory = office.book.catalog.signatory {
            values["signatoryName"] = signatory.name
            values["signatoryTitle"] = signatory.title
        }
        return PrintedDocument(template: "certificate", title: "หนังสือรับรองการแจ้ง", values: values)
    }
}
