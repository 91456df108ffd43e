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
///  "signatory": {"name": "นายสมหมาย ใจงาม", "title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ"},
///  "billing": {"tax_id": "0994000165501", "biller_suffix": "00", "due_days": 15, …}}  (see BillingSettings)
/// ```
public enum OfficeSettings {
    public static let collection = "office_settings"

    /// The office's catalog as stored, defaults for what is not.
    public static func load(from store: Store, services: [any ApplicationService.Type] = ServiceCatalog.all) async throws -> ServiceCatalog {
        guard let office = try await store.node()?.office,
            let record = try await store.record(collection: collection, id: office), let value = record.fields["settings"]
        else { return ServiceCatalog(services: services) }
        return try catalog(from: value, services: services)
    }

    /// Checks `value` and stores it as the office's settings (replicated to the office's other nodes).
    @discardableResult
    public static func save(
        _ value: JSONValue, to store: Store, services: [any ApplicationService.Type] = ServiceCatalog.all
    ) async throws -> ServiceCatalog {
        let catalog = try catalog(from: value, services: services)
        try await store.transaction { transaction in
            [LocalEdit(collection: collection, record: transaction.node.office, set: ["settings": value], scope: [transaction.node.office])]
        }
        return catalog
    }

    /// The catalog `value` describes; a clear refusal if it is malformed or out of range. Each service reads and
    /// checks its own members; the signatory is the office's.
    public static func catalog(from value: JSONValue, services: [any ApplicationService.Type] = ServiceCatalog.all) throws -> ServiceCatalog {
        guard case .object(let document) = value else {
            throw OfficeError(.unprocessable, code: "invalid_settings", th: "ค่าตั้งของสำนักงานไม่ถูกต้อง", en: "the settings must be a JSON object")
        }
        do {
            var catalog = try ServiceCatalog(document: document, services: services)
            if let signatory = try SettingsDocument.member("signatory", of: document, as: Signatory.self) {
                guard !signatory.name.isEmpty, signatory.name.count <= 200, !signatory.title.isEmpty, signatory.title.count <= 200 else {
                    throw OfficeError(
                        .unprocessable, code: "invalid_settings", th: "ผู้ลงนามต้องมีชื่อและตำแหน่ง (ไม่เกิน 200 ตัวอักษร)",
                        en: "signatory needs a name and a title of at most 200 characters")
                }
                catalog.signatory = signatory
            }
            if let code = document["letter_code"] {
                guard let text = code.stringValue, DocumentNumber.isLetterCode(text) else {
                    throw OfficeError(
                        .unprocessable, code: "invalid_settings", th: "รหัสหนังสือ (letter_code) ต้องเป็นอักษรย่อและตัวเลข เช่น มท 0808.2",
                        en: "letter_code is Thai initials and digits such as มท 0808.2")
                }
                catalog.letterCode = text
            }
            if let billing = try SettingsDocument.member("billing", of: document, as: BillingSettings.self) {
                do {
                    catalog.billing = try billing.validated()
                } catch {
                    throw OfficeError(.unprocessable, code: "invalid_settings", th: error.thai, en: "\(error.field): \(error.english)")
                }
            }
            return catalog
        } catch let error as TambonError {
            throw OfficeError(error)
        }
    }

    /// The stored form of a catalog (what `tambon node settings` prints).
    public static func value(of catalog: ServiceCatalog) throws -> JSONValue {
        .object(try catalog.document())
    }
}
