import TambonCore
import TambonOSS
import TambonOffice
import TambonStore

/// An office node's application book over an in-memory store with a hand-moved clock, for the office and report
/// tests.
public struct OfficeFixture {
    /// The office's clock starts at 26 Nov 2026, 02:00 in Thailand (25 Nov, 19:00 UTC); tests move it by hand.
    public static let start: Int64 = 1_795_626_000_000 + 2 * 3_600_000

    public let clock = ManualClock(OfficeFixture.start)
    public let store: Store
    public let book: ApplicationBook

    public init(role: String? = nil, catalog: ServiceCatalog = ServiceCatalog()) async throws {
        store = try Store.inMemory(configuration: clock.configuration)
        try await store.initialiseNode(office: "5001", name: "office")
        if let role {
            try await store.saveHubLink(url: "https://hub.example:8443", caPEM: "-", hubID: NodeIdentity().id, role: role)
        }
        book = ApplicationBook(store: store, catalog: catalog)
    }

    /// An office's catalog with a biller ID and a household wastewater rate beside the standard garbage rate: what the
    /// fee tests and the fee benchmark bill with.
    public static func billingCatalog() throws -> ServiceCatalog {
        var catalog = ServiceCatalog()
        catalog.billing.taxId = "0994000165501"
        catalog.billing.wastewaterRates = try FeeTable([
            .init(effectiveFrom: CivilDate(iso: "2024-10-01")!, schedule: ["household": .init(monthly: 1000)])
        ])
        return catalog
    }

    public static let applicant: [String: JSONValue] = [
        "name": "นายสมชาย ใจดี", "national_id": "1234545678781", "phone": "0812345678", "address": "12 หมู่ 3 ต.แม่เหียะ อ.เมือง จ.เชียงใหม่",
    ]
    public static let details: [String: JSONValue] = [
        "land_title": ["type": "chanote", "number": "4521"], "building_use": "residence", "storeys": 2, "floor_area_m2": 120,
        "location": ["lat": 18.7605, "lon": 98.9360],
    ]
    public static let inspection: [String: JSONValue] = [
        "inspection": ["lat": 18.7606, "lon": 98.9361, "accuracy_m": 5, "result": "pass", "notes": "ตรงตามแบบ"]
    ]

    public func submit() async throws -> ApplicationRecord {
        try await book.submit(service: "building-permit", applicant: Self.applicant, details: Self.details)
    }

    /// Through acceptance, assignment and a passed inspection.
    public func inspected() async throws -> ApplicationRecord {
        let application = try await submit()
        try await book.act(on: application.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        try await book.act(on: application.id, action: "assign-inspection", payload: ["assignee": "chai"], actor: "somsri", role: .officer)
        return try await book.act(on: application.id, action: "record-inspection", payload: Self.inspection, actor: "chai", role: .surveyor)
    }
}
