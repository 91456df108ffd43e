import TambonCore

/// What a food-place notification (Public Health Act B.E. 2535 s.38, s.47–52) states about the establishment. The
/// JSON keys are the API contract: `establishment_name`, `place_kind` (`selling`|`storage`), `area_m2`,
/// `in_market`, `workers`, `address`, `location` {`lat`, `lon`}.
public struct FoodCertificateDetails: Sendable, Equatable {
    public enum PlaceKind: String, Sendable, CaseIterable {
        /// สถานที่จำหน่ายอาหาร (certificate form สอ.6 in many ordinances).
        case selling
        /// สถานที่สะสมอาหาร (สอ.7).
        case storage

        public var thai: String { self == .selling ? "สถานที่จำหน่ายอาหาร" : "สถานที่สะสมอาหาร" }
    }

    /// Above this area (or in a market) the place needs a licence, not a notification (s.38).
    public static let maximumAreaSquareMetres = 200.0

    public let establishmentName: String
    public let placeKind: PlaceKind
    public let area: Double
    public let workers: Int
    public let address: String
    public let site: GeoPoint

    public init(_ details: [String: JSONValue]) throws(ValidationErrors) {
        var errors: [FieldError] = []
        let name = (details["establishment_name"]?.stringValue ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if name.isEmpty || name.count > 200 {
            errors.append(FieldError("establishment_name", th: "กรอกชื่อสถานประกอบการ", en: "give the establishment's name"))
        }
        let kind = details["place_kind"]?.stringValue.flatMap(PlaceKind.init(rawValue:))
        if kind == nil {
            errors.append(
                FieldError("place_kind", th: "เลือกประเภท: สถานที่จำหน่ายอาหาร หรือสถานที่สะสมอาหาร", en: "place_kind must be \"selling\" or \"storage\""))
        }
        let inMarket = details["in_market"]
        if inMarket != .bool(true) && inMarket != .bool(false) {
            errors.append(FieldError("in_market", th: "ระบุว่าตั้งอยู่ในตลาดหรือไม่", en: "in_market must be true or false"))
        } else if inMarket == .bool(true) {
            errors.append(
                FieldError(
                    "in_market", th: "สถานที่ในตลาดต้องขอใบอนุญาตประกอบกิจการ ไม่ใช่การแจ้ง (มาตรา 38)",
                    en: "a place in a market needs a licence, not a notification (s.38)"))
        }
        let area = details["area_m2"]?.numberValue
        if let area, area.isFinite, area > 0 {
            if area > Self.maximumAreaSquareMetres {
                errors.append(
                    FieldError(
                        "area_m2", th: "พื้นที่เกิน 200 ตร.ม. ต้องขอใบอนุญาตประกอบกิจการ ไม่ใช่การแจ้ง (มาตรา 38)",
                        en: "over 200 m² a licence is needed, not a notification (s.38)"))
            }
        } else {
            errors.append(FieldError("area_m2", th: "กรอกพื้นที่ประกอบการ (ตร.ม.)", en: "give the area in m²"))
        }
        let workers = details["workers"]?.numberValue
        if workers == nil || workers! != workers!.rounded() || !(0...10_000).contains(workers!) {
            errors.append(FieldError("workers", th: "จำนวนผู้ปฏิบัติงานต้องเป็นจำนวนเต็ม", en: "workers must be a whole number"))
        }
        let address = details["address"]?.stringValue ?? ""
        if address.allSatisfy(\.isWhitespace) || address.count > 500 {
            errors.append(FieldError("address", th: "กรอกที่ตั้งสถานประกอบการ", en: "give the establishment's address"))
        }
        var site: GeoPoint?
        do throws(FieldError) {
            site = try GeoPoint.pinned(details["location"])
            if site == nil { errors.append(FieldError("location", th: "ปักหมุดที่ตั้งสถานประกอบการ", en: "pin the establishment's location")) }
        } catch { errors.append(error) }
        guard errors.isEmpty, let kind, let area, let workers, let site else { throw ValidationErrors(errors) }
        establishmentName = name
        placeKind = kind
        self.area = area
        self.workers = Int(workers)
        self.address = address
        self.site = site
    }

    public var value: [String: JSONValue] {
        [
            "establishment_name": .string(establishmentName), "place_kind": .string(placeKind.rawValue), "area_m2": .number(area), "in_market": false,
            "workers": .number(Double(workers)), "address": .string(address),
            "location": ["lat": .number(site.latitude), "lon": .number(site.longitude)],
        ]
    }
}
