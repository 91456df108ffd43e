import TambonCore
import TambonOSS
import TambonOffice

/// The building-permit form (แบบ ข.1): its fields ⇄ the applicant and the `BuildingPermitDetails` of an application.
struct BuildingPermitForm: ServiceForm {
    static let service = BuildingPermitWorkflow.service
    static let template = "apply"
    static let title = "ขออนุญาตก่อสร้างอาคาร"

    /// The posted fields, `applicant.` and `details.` before these names.
    static let applicantFields = ["name", "national_id", "phone", "address"]
    static let detailFields = ["land_title_type", "land_title_number", "building_use", "storeys", "floor_area_m2", "lat", "lon"]
    /// The building uses in the order the form lists them.
    static let useOrder = ["residence", "shophouse", "warehouse", "other"]

    /// What was typed, by field name without its prefix.
    let input: [String: String]

    init(_ form: FormBody) {
        var input: [String: String] = [:]
        for key in Self.applicantFields { input[key] = form["applicant." + key] ?? "" }
        for key in Self.detailFields { input[key] = form["details." + key] ?? "" }
        self.input = input
    }

    subscript(_ field: String) -> String { input[field] ?? "" }

    var applicant: [String: JSONValue] {
        Self.applicantFields.reduce(into: [String: JSONValue]()) { $0[$1] = .string(self[$1]) }
    }

    var details: [String: JSONValue] {
        let typed = ["storeys": self["storeys"], "floor_area_m2": self["floor_area_m2"]]
        return Self.numbers(typed, lat: self["lat"], lon: self["lon"]).merging([
            "land_title": ["type": .string(self["land_title_type"]), "number": .string(self["land_title_number"])],
            "building_use": .string(self["building_use"]),
        ]) { $1 }
    }

    func values(errors: [String: String]) -> [String: Any] {
        var f: [String: Any] = [:]
        for key in Self.applicantFields + Self.detailFields { f[key] = self[key] }
        for (field, message) in errors { f["e_" + field] = message }
        let kinds = BuildingPermitDetails.landTitleKinds.sorted { $0.key < $1.key }.map { (value: $0.key, label: $0.value) }
        f["titleKinds"] = Self.options(kinds, selected: input["land_title_type"])
        let uses = Self.useOrder.compactMap { key in BuildingPermitDetails.uses[key].map { (value: key, label: $0) } }
        f["uses"] = Self.options(uses, selected: input["building_use"])
        return ["f": f]
    }

    /// The quote step: the form again with the fees, once the area and storeys are numbers.
    func preview(_ catalog: ServiceCatalog, on day: CivilDate) -> [String: Any]? {
        quote(catalog, on: day).map { ["quote": $0] } ?? [:]
    }

    /// The fees the typed area and storeys come to on `day`, for the quote step; nil until both are numbers.
    func quote(_ catalog: ServiceCatalog, on day: CivilDate) -> [String: String]? {
        guard let area = Double(self["floor_area_m2"]), let storeys = Int(self["storeys"]),
            let schedule = catalog.settings(BuildingPermitService.self).fees.schedule(on: day)
        else { return nil }
        let quote = schedule.quote(area: area, storeys: storeys)
        return ["planCheck": quote.planCheckFee.thaiText, "permit": quote.permitFee.thaiText, "total": quote.total.thaiText]
    }
}
