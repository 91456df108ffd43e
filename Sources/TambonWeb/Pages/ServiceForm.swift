import TambonCore
import TambonOSS
import TambonOffice

/// A service's citizen form: its page, and the mapping between the form's fields and the service's application
/// both ways — what was posted, as the applicant and details to file; and what was typed, back into the page with
/// each field's error beside it.
protocol ServiceForm {
    /// The service the form files applications for.
    static var service: ServiceID { get }
    /// The form's template and page title.
    static var template: String { get }
    static var title: String { get }

    /// The form as posted (every field present: a missing one is empty).
    init(_ form: FormBody)

    var applicant: [String: JSONValue] { get }
    var details: [String: JSONValue] { get }

    /// The page's values: the input kept, each field's error (`errors`, by the service's field names) beside it.
    func values(errors: [String: String]) -> [String: Any]

    /// What a preview step (`step=quote`) adds to the form, or nil for a form without one (it files at once).
    func preview(_ catalog: ServiceCatalog, on day: CivilDate) -> [String: Any]?
}

extension ServiceForm {
    func preview(_ catalog: ServiceCatalog, on day: CivilDate) -> [String: Any]? { nil }

    /// The form as first shown: every field empty.
    static var blank: Self { Self(FormBody(values: [:])) }

    /// Each detail whose typed text is a number, as that number; one left empty or not a number is left out, for
    /// the service's check to name. `location` from the latitude and longitude when both are numbers.
    static func numbers(_ typed: [String: String], lat: String, lon: String) -> [String: JSONValue] {
        var numbers = typed.compactMapValues { Double($0).map(JSONValue.number) }
        if let lat = Double(lat), let lon = Double(lon) { numbers["location"] = ["lat": .number(lat), "lon": .number(lon)] }
        return numbers
    }

    /// The options of a `<select>`, the one the citizen chose selected.
    static func options(_ choices: [(value: String, label: String)], selected: String?) -> [[String: Any]] {
        choices.map { ["value": $0.value, "label": $0.label, "selected": selected == $0.value] }
    }
}
