import TambonCore

/// What a building-permit application (แบบ ข.1) states about the building and its land.
public struct BuildingPermitDetails: Sendable, Equatable {
    /// Title deed kinds: โฉนด, น.ส.3 ก., น.ส.3, and the others land offices issue.
    public static let landTitleKinds: [String: String] = [
        "chanote": "โฉนดที่ดิน", "ns3k": "น.ส.3 ก.", "ns3": "น.ส.3", "sk1": "ส.ค.1", "other": "อื่น ๆ",
    ]
    /// Building uses the form offers.
    public static let uses: [String: String] = [
        "residence": "ที่อยู่อาศัย", "shophouse": "อาคารพาณิชย์", "warehouse": "โกดัง/คลังสินค้า", "other": "อื่น ๆ",
    ]

    public let landTitleKind: String
    public let landTitleNumber: String
    public let use: String
    public let storeys: Int
    /// Total floor area of all storeys, m² (two decimals).
    public let areaSquareMetres: Double
    public let site: GeoPoint

    /// Reads and checks the `details` of an application; every problem is reported, each against its field.
    public init(_ details: [String: JSONValue], settings: BuildingPermitSettings = BuildingPermitSettings()) throws(ValidationErrors) {
        var errors: [FieldError] = []
        let kind = details["land_title_kind"]?.stringValue ?? ""
        if Self.landTitleKinds[kind] == nil {
            errors.append(FieldError("land_title_kind", th: "เลือกประเภทเอกสารสิทธิ์ที่ดิน", en: "choose the kind of land title"))
        }
        let titleNumber = (details["land_title_number"]?.stringValue ?? "").filter { !$0.isWhitespace }
        if titleNumber.isEmpty || titleNumber.count > 40 {
            errors.append(FieldError("land_title_number", th: "กรอกเลขที่เอกสารสิทธิ์ (ไม่เกิน 40 ตัวอักษร)", en: "enter the land title number (at most 40 characters)"))
        }
        let use = details["use"]?.stringValue ?? ""
        if Self.uses[use] == nil {
            errors.append(FieldError("use", th: "เลือกการใช้อาคาร", en: "choose the building's use"))
        }
        let storeys = details["storeys"]?.numberValue
        if storeys == nil || storeys! != storeys!.rounded() || !(1...10).contains(storeys!) {
            errors.append(FieldError("storeys", th: "จำนวนชั้นต้องเป็นจำนวนเต็ม 1–10", en: "storeys must be a whole number from 1 to 10"))
        }
        let area = details["area_m2"]?.numberValue
        if let area, area.isFinite, area > 0 {
            if area > settings.maximumAreaSquareMetres {
                errors.append(FieldError(
                    "area_m2",
                    th: "พื้นที่รวม \(Self.format(area)) ตร.ม. เกิน \(Self.format(settings.maximumAreaSquareMetres)) ตร.ม.: "
                        + "ต้องยื่นขออนุญาตตามขั้นตอนปกติ โดยมีสถาปนิกผู้ได้รับใบอนุญาตออกแบบและควบคุมงาน",
                    en: "a total floor area of \(Self.format(area)) m² is over \(Self.format(settings.maximumAreaSquareMetres)) m²: "
                        + "the regular procedure applies, with a licensed architect designing and supervising"))
            } else if (area * 100).rounded() != area * 100 {
                errors.append(FieldError("area_m2", th: "พื้นที่ระบุทศนิยมได้ไม่เกิน 2 ตำแหน่ง", en: "give the area with at most two decimals"))
            }
        } else {
            errors.append(FieldError("area_m2", th: "กรอกพื้นที่อาคารรวมทุกชั้น (ตร.ม.)", en: "enter the total floor area of all storeys (m²)"))
        }
        var site: GeoPoint?
        if case .object(let location)? = details["location"], let lat = location["lat"]?.numberValue, let lon = location["lon"]?.numberValue {
            do {
                site = try GeoPoint(latitude: lat, longitude: lon)
            } catch {
                errors.append(error)
            }
        } else {
            errors.append(FieldError("location", th: "ปักหมุดที่ตั้งอาคารบนแผนที่ หรือกรอกละติจูด/ลองจิจูด", en: "pin the site on the map or type its latitude and longitude"))
        }
        guard errors.isEmpty, let site, let storeys, let area else { throw ValidationErrors(errors) }
        landTitleKind = kind
        landTitleNumber = titleNumber
        self.use = use
        self.storeys = Int(storeys)
        areaSquareMetres = area
        self.site = site
    }

    /// The stored form.
    public var value: [String: JSONValue] {
        ["land_title_kind": .string(landTitleKind), "land_title_number": .string(landTitleNumber), "use": .string(use),
         "storeys": .number(Double(storeys)), "area_m2": .number(areaSquareMetres),
         "location": ["lat": .number(site.latitude), "lon": .number(site.longitude)]]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
