import Foundation
import TambonCore
import TambonOSS
import TambonStore

/// An office's service settings and fee tables, kept as the replicated record `office_settings/<office>` so every
/// node of the office (survey laptops included) works with the same rates and periods. Absent parts take the
/// defaults from the domain facts.
///
/// ```json
/// {"building_permit": {"period_days": 45, "extension_days": 45, "maximum_extensions": 2, "inspection_waived": false,
///                      "validity_years": 1, "maximum_area_square_metres": 150},
///  "building_permit_fees": [{"effective_from": "2021-01-01",
///                            "schedule": {"permit_fee": 20000, "plan_check_bands": [{"maximum_storeys": 2, "satang_per_square_metre": 50}, …]}}],
///  "food_certificate": {"period_days": 7},
///  "food_certificate_fees": [{"effective_from": "2021-01-01", "schedule": {"annual_fee": 10000, "late_surcharge_percent": 20}},
///                            {"effective_from": "2026-01-01", "schedule": {"annual_fee": 0, "late_surcharge_percent": 0}}],
///  "signatory": {"name": "นายสมหมาย ใจงาม", "title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ"}}
/// ```
public enum OfficeSettings {
    public static let collection = "office_settings"

    struct Document: Codable {
        var buildingPermit: BuildingPermitSettings?
        var buildingPermitFees: FeeTable<BuildingPermitFees>?
        var foodCertificate: FoodCertificateSettings?
        var foodCertificateFees: FeeTable<FoodCertificateFees>?
        var signatory: Signatory?
    }

    struct FoodCertificateSettings: Codable {
        var periodDays: Int
    }

    /// The office's catalog as stored, defaults for what is not.
    public static func load(from store: Store) async throws -> ServiceCatalog {
        guard let office = try await store.node()?.office,
            let record = try await store.record(collection: collection, id: office), let value = record.fields["settings"]
        else { return ServiceCatalog() }
        return try catalog(from: value)
    }

    /// Checks `value` and stores it as the office's settings (replicated to the office's other nodes).
    @discardableResult
    public static func save(_ value: JSONValue, to store: Store) async throws -> ServiceCatalog {
        let catalog = try catalog(from: value)
        try await store.transaction { transaction in
            [LocalEdit(collection: collection, record: transaction.node.office, set: ["settings": value], scope: [transaction.node.office])]
        }
        return catalog
    }

    /// The catalog `value` describes; a clear refusal if it is malformed or out of range.
    public static func catalog(from value: JSONValue) throws -> ServiceCatalog {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let document: Document
        do {
            document = try decoder.decode(Document.self, from: Data(CanonicalJSON.encode(value)))
        } catch {
            throw OfficeError(.unprocessable, code: "invalid_settings", th: "ค่าตั้งของสำนักงานไม่ถูกต้อง", en: "the settings are malformed: \(describe(error))")
        }
        var catalog = ServiceCatalog()
        if let settings = document.buildingPermit {
            guard (1...365).contains(settings.periodDays), (0...365).contains(settings.extensionDays), (0...10).contains(settings.maximumExtensions),
                (1...10).contains(settings.validityYears), settings.maximumAreaSquareMetres > 0, settings.maximumAreaSquareMetres <= 150
            else {
                throw OfficeError(.unprocessable, code: "invalid_settings", th: "ค่าตั้งใบอนุญาตก่อสร้างอยู่นอกช่วงที่รับได้",
                                  en: "building_permit settings out of range (period 1–365 days, extensions 0–10, area ≤ 150 m²)")
            }
            catalog.buildingPermit = settings
        }
        if let fees = document.buildingPermitFees {
            guard !fees.entries.isEmpty,
                fees.entries.allSatisfy({ $0.schedule.permitFee.satang >= 0 && $0.schedule.planCheckBands.allSatisfy { $0.satangPerSquareMetre >= 0 } })
            else {
                throw OfficeError(.unprocessable, code: "invalid_settings", th: "ตารางค่าธรรมเนียมต้องมีอย่างน้อยหนึ่งชุดและไม่ติดลบ",
                                  en: "building_permit_fees needs at least one schedule and no negative amounts")
            }
            catalog.buildingPermitFees = fees
        }
        if let settings = document.foodCertificate {
            guard (1...365).contains(settings.periodDays) else {
                throw OfficeError(.unprocessable, code: "invalid_settings", th: "ระยะเวลาพิจารณาหนังสือรับรองต้องอยู่ระหว่าง 1–365 วัน",
                                  en: "food_certificate.period_days must be 1–365")
            }
            catalog.foodCertificatePeriodDays = settings.periodDays
        }
        if let fees = document.foodCertificateFees {
            guard !fees.entries.isEmpty,
                fees.entries.allSatisfy({ $0.schedule.annualFee.satang >= 0 && (0...100).contains($0.schedule.lateSurchargePercent) })
            else {
                throw OfficeError(.unprocessable, code: "invalid_settings", th: "ค่าธรรมเนียมรายปีต้องไม่ติดลบ และเงินเพิ่มต้องอยู่ระหว่าง 0–100%",
                                  en: "food_certificate_fees needs at least one schedule, no negative fee and a surcharge of 0–100 %")
            }
            catalog.foodCertificateFees = fees
        }
        if let signatory = document.signatory {
            guard !signatory.name.isEmpty, signatory.name.count <= 200, !signatory.title.isEmpty, signatory.title.count <= 200 else {
                throw OfficeError(.unprocessable, code: "invalid_settings", th: "ผู้ลงนามต้องมีชื่อและตำแหน่ง (ไม่เกิน 200 ตัวอักษร)",
                                  en: "signatory needs a name and a title of at most 200 characters")
            }
            catalog.signatory = signatory
        }
        return catalog
    }

    /// The stored form of a catalog (what `tambon node settings` prints).
    public static func value(of catalog: ServiceCatalog) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(Document(
            buildingPermit: catalog.buildingPermit, buildingPermitFees: catalog.buildingPermitFees,
            foodCertificate: FoodCertificateSettings(periodDays: catalog.foodCertificatePeriodDays), foodCertificateFees: catalog.foodCertificateFees,
            signatory: catalog.signatory))
        return try JSONValue(parsing: Array(data))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "missing \(context.codingPath.map(\.stringValue).joined(separator: ".")).\(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
