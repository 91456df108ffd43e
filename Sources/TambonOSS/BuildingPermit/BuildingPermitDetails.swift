import TambonCore

/// What a building-permit application (แบบ ข.1) states about the building and its land. The JSON keys are the API
/// contract: `land_title`, `building_use`, `storeys`, `floor_area_m2`, `location` {`lat`, `lon`}.
public struct BuildingPermitDetails: Sendable, Equatable {
    /// Title deed kinds: โฉนด, น.ส.3 ก., น.ส.3, and the others land offices issue.
    public static let landTitleKinds: [String: String] = [
        "chanote": "โฉนดที่ดิน", "ns3k": "น.ส.3 ก.", "ns3": "น.ส.3", "sk1": "ส.ค.1", "other": "อื่น ๆ",
    ]
    /// Building uses the form offers (any other text is accepted as typed).
    public static let uses: [String: String] = [
        "residence": "ที่อยู่อาศัย", "shophouse": "อาคารพาณิชย์", "warehouse": "โกดัง/คลังสินค้า", "other": "อื่น ๆ",
    ]

    /// The land title as stated: `{"type": kind, "number": text}` from the form, or one line of text (`โฉนด 12345`).
    public let landTitle: JSONValue
    public let buildingUse: String
    public let storeys: Int
    /// Total floor area of all storeys, m² (two decimals).
    public let floorArea: Double
    public let site: GeoPoint

    /// Reads and checks the `details` of an application; every problem is reported, each against its field.
    public init(_ details: [String: JSONValue], settings: BuildingPermitSettings = BuildingPermitSettings()) throws(ValidationErrors) {
        var errors: [FieldError] = []
        var landTitle: JSONValue?
        switch details["land_title"] {
        case .string(let text)? where !text.allSatisfy(\.isWhitespace) && text.count <= 100:
            landTitle = .string(text)
        case .object(let members)?:
            if let kind = members["type"]?.stringValue, Self.landTitleKinds[kind] != nil,
                let number = members["number"]?.stringValue?.filter({ !$0.isWhitespace }), !number.isEmpty, number.count <= 40
            {
                landTitle = ["type": .string(kind), "number": .string(number)]
            }
        default: break
        }
        if landTitle == nil {
            errors.append(FieldError("land_title", th: "ระบุเอกสารสิทธิ์ที่ดิน (ประเภทและเลขที่)", en: "give the land title (its type and number)"))
        }
        let use = (details["building_use"]?.stringValue ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if use.isEmpty || use.count > 100 {
            errors.append(FieldError("building_use", th: "ระบุการใช้อาคาร", en: "give the building's use"))
        }
        let storeys = details["storeys"]?.numberValue
        if storeys == nil || storeys! != storeys!.rounded() || !(1...10).contains(storeys!) {
            errors.append(FieldError("storeys", th: "จำนวนชั้นต้องเป็นจำนวนเต็ม 1–10", en: "storeys must be a whole number from 1 to 10"))
        }
        let area = details["floor_area_m2"]?.numberValue
        if let area, area.isFinite, area > 0 {
            if area > settings.maximumAreaSquareMetres {
                errors.append(
                    FieldError(
                        "floor_area_m2",
                        th: "พื้นที่รวม \(Self.format(area)) ตร.ม. เกิน \(Self.format(settings.maximumAreaSquareMetres)) ตร.ม.: "
                            + "ต้องยื่นขออนุญาตตามขั้นตอนปกติ โดยมีสถาปนิกผู้ได้รับใบอนุญาตออกแบบและควบคุมงาน",
                        en: "a total floor area of \(Self.format(area)) m² is over \(Self.format(settings.maximumAreaSquareMetres)) m²: "
                            + "the regular procedure applies, with a licensed architect designing and supervising"))
            } else if abs((area * 100).rounded() - area * 100) > 1e-6 {
                // Two decimals as typed: 64.1 × 100 is 6409.999… in binary, so a tolerance, not equality.
                errors.append(FieldError("floor_area_m2", th: "พื้นที่ระบุทศนิยมได้ไม่เกิน 2 ตำแหน่ง", en: "give the area with at most two decimals"))
            }
        } else {
            errors.append(FieldError("floor_area_m2", th: "กรอกพื้นที่อาคารรวมทุกชั้น (ตร.ม.)", en: "enter the total floor area of all storeys (m²)"))
        }
        var site: GeoPoint?
        do throws(FieldError) {
            site = try GeoPoint.pinned(details["location"])
            if site == nil {
                errors.append(
                    FieldError(
                        "location", th: "ปักหมุดที่ตั้งอาคารบนแผนที่ หรือกรอกละติจูด/ลองจิจูด", en: "pin the site on the map or type its latitude and longitude"))
            }
        } catch { errors.append(error) }
        guard errors.isEmpty, let landTitle, let site, let storeys, let area else { throw ValidationErrors(errors) }
        self.landTitle = landTitle
        buildingUse = use
        self.storeys = Int(storeys)
        floorArea = area
        self.site = site
    }

    /// The stored form (the same keys).
    public var value: [String: JSONValue] {
        [
            "land_title": landTitle, "building_use": .string(buildingUse), "storeys": .number(Double(storeys)), "floor_area_m2": .number(floorArea),
            "location": ["lat": .number(site.latitude), "lon": .number(site.longitude)],
        ]
    }

    /// `โฉนดที่ดิน เลขที่ 4521`, for pages and the permit.
    public static func landTitleText(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .object(let members)?:
            return (landTitleKinds[members["type"]?.stringValue ?? ""] ?? "") + " เลขที่ " + (members["number"]?.stringValue ?? "")
        default: return ""
        }
    }

    /// The Thai label of a use code, or the text as typed.
    public static func useText(_ value: String) -> String { uses[value] ?? value }

    static func format(_ value: Double) -> String {
        JSONValue.plainText(value)
    }
}
