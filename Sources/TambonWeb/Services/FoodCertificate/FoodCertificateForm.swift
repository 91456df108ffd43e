import TambonCore
import TambonOSS
import TambonOffice

/// The food-place notification form: its fields ⇄ the applicant (a person or a juristic person) and the
/// `FoodCertificateDetails` of an application.
struct FoodCertificateForm: ServiceForm {
    static let service = FoodCertificateWorkflow.service
    static let template = "apply_food"
    static let title = "แจ้งจัดตั้งสถานที่จำหน่ายหรือสะสมอาหาร"

    /// The posted fields, `applicant.` and `details.` before these names; the page keeps them as `a_…` and `d_…`.
    static let applicantFields = ["name", "national_id", "phone", "address", "kind"]
    static let detailFields = ["establishment_name", "place_kind", "area_m2", "in_market", "workers", "address", "lat", "lon"]
    static let kinds = [(value: "person", label: "บุคคลธรรมดา"), (value: "juristic", label: "นิติบุคคล")]

    /// What was typed, by `a_` or `d_` and the field's name.
    let input: [String: String]

    init(_ form: FormBody) {
        var input: [String: String] = [:]
        for key in Self.applicantFields { input["a_" + key] = form["applicant." + key] ?? "" }
        for key in Self.detailFields { input["d_" + key] = form["details." + key] ?? "" }
        self.input = input
    }

    subscript(_ field: String) -> String { input[field] ?? "" }

    var applicant: [String: JSONValue] {
        var applicant = ["name", "national_id", "phone", "address"].reduce(into: [String: JSONValue]()) { $0[$1] = .string(self["a_" + $1]) }
        if !self["a_kind"].isEmpty { applicant["kind"] = .string(self["a_kind"]) }
        return applicant
    }

    var details: [String: JSONValue] {
        let typed = ["area_m2": self["d_area_m2"], "workers": self["d_workers"]]
        return Self.numbers(typed, lat: self["d_lat"], lon: self["d_lon"]).merging([
            "establishment_name": .string(self["d_establishment_name"]), "place_kind": .string(self["d_place_kind"]),
            "in_market": .bool(self["d_in_market"] == "yes"), "address": .string(self["d_address"]),
        ]) { $1 }
    }

    func values(errors: [String: String]) -> [String: Any] {
        var f: [String: Any] = [:]
        for key in Self.applicantFields { f["a_" + key] = self["a_" + key] }
        for key in Self.detailFields { f["d_" + key] = self["d_" + key] }
        for (field, message) in errors { f["e_" + field] = message }
        f["kinds"] = Self.options(Self.kinds, selected: input["a_kind"])
        let places = FoodCertificateDetails.PlaceKind.allCases.map { (value: $0.rawValue, label: $0.thai) }
        f["placeKinds"] = Self.options(places, selected: input["d_place_kind"])
        f["inMarket"] = input["d_in_market"] == "yes"
        return ["f": f]
    }
}
