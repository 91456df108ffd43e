import TambonCore

extension ServiceID {
    public static let buildingPermit: ServiceID = "building-permit"
}

/// Building permits for buildings of at most 150 m² (แบบ ข.1 → permit แบบ อ.1), as a service of the catalog.
public enum BuildingPermitService: ApplicationService {
    public static let id = ServiceID.buildingPermit
    public static let thaiName = "ใบอนุญาตก่อสร้างอาคาร"
    public static let englishName = "building permit"

    /// An office's periods and waivers (`building_permit`) and fee table (`building_permit_fees`).
    public struct Settings: Sendable, Equatable {
        public var permit: BuildingPermitSettings
        public var fees: FeeTable<BuildingPermitFees>
    }

    public static let defaultSettings = Settings(
        permit: BuildingPermitSettings(),
        fees: try! FeeTable([.init(effectiveFrom: CivilDate(iso: "2021-01-01")!, schedule: .defaults)]))

    public static func settings(from document: [String: JSONValue]) throws -> Settings {
        var settings = defaultSettings
        if let permit = try SettingsDocument.member("building_permit", of: document, as: BuildingPermitSettings.self) {
            guard (1...365).contains(permit.periodDays), (0...365).contains(permit.extensionDays), (0...10).contains(permit.maximumExtensions),
                (1...10).contains(permit.validityYears), permit.maximumAreaSquareMetres > 0, permit.maximumAreaSquareMetres <= 150
            else {
                throw SettingsDocument.outOfRange(
                    th: "ค่าตั้งใบอนุญาตก่อสร้างอยู่นอกช่วงที่รับได้",
                    en: "building_permit settings out of range (period 1–365 days, extensions 0–10, area ≤ 150 m²)")
            }
            settings.permit = permit
        }
        if let fees = try SettingsDocument.member("building_permit_fees", of: document, as: FeeTable<BuildingPermitFees>.self) {
            guard !fees.entries.isEmpty,
                fees.entries.allSatisfy({
                    $0.schedule.permitFee.satang >= 0 && $0.schedule.planCheckBands.allSatisfy { $0.satangPerSquareMetre >= 0 }
                })
            else {
                throw SettingsDocument.outOfRange(
                    th: "ตารางค่าธรรมเนียมต้องมีอย่างน้อยหนึ่งชุดและไม่ติดลบ",
                    en: "building_permit_fees needs at least one schedule and no negative amounts")
            }
            settings.fees = fees
        }
        return settings
    }

    public static func document(of settings: Settings) throws -> [String: JSONValue] {
        ["building_permit": try SettingsDocument.value(settings.permit), "building_permit_fees": try SettingsDocument.value(settings.fees)]
    }

    public static func workflow(_ settings: Settings) -> any ServiceWorkflow {
        BuildingPermitWorkflow(settings: settings.permit)
    }

    public static func file(_ details: [String: JSONValue], settings: Settings, on day: CivilDate) throws -> ServiceFiling {
        let checked = try BuildingPermitDetails(details, settings: settings.permit)
        guard let schedule = settings.fees.schedule(on: day) else { throw ServiceFilingError.noFeeSchedule(on: day) }
        let quote = schedule.quote(area: checked.floorArea, storeys: checked.storeys)
        return ServiceFiling(
            details: checked.value,
            fees: [
                "plan_check": .number(Double(quote.planCheckFee.satang)), "permit": .number(Double(quote.permitFee.satang)),
                "total": .number(Double(quote.total.satang)), "currency": "THB-satang",
            ])
    }

    public static func syntheticDetails(location: JSONValue) -> [String: JSONValue] {
        ["land_title": ["type": "chanote", "number": "1"], "building_use": "residence", "storeys": 2, "floor_area_m2": 120, "location": location]
    }
}
