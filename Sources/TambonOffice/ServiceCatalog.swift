import TambonCore
import TambonOSS

/// The services an office offers and the settings they run with (per office: periods, waivers, fee tables).
public struct ServiceCatalog: Sendable {
    public var buildingPermit: BuildingPermitSettings
    public var buildingPermitFees: FeeTable<BuildingPermitFees>
    /// Days from acceptance to the food certificate's decision (domain facts: 7 working days, unverified).
    public var foodCertificatePeriodDays: Int
    public var foodCertificateFees: FeeTable<FoodCertificateFees>
    /// Who signs the office's permits and certificates (printed under the signature line); nil: left blank.
    public var signatory: Signatory?

    public init(
        buildingPermit: BuildingPermitSettings = BuildingPermitSettings(),
        buildingPermitFees: FeeTable<BuildingPermitFees> = try! FeeTable([.init(effectiveFrom: CivilDate(iso: "2021-01-01")!, schedule: .defaults)]),
        foodCertificatePeriodDays: Int = 7,
        foodCertificateFees: FeeTable<FoodCertificateFees> = try! FeeTable([.init(effectiveFrom: CivilDate(iso: "2021-01-01")!, schedule: .defaults)])
    ) {
        self.buildingPermit = buildingPermit
        self.buildingPermitFees = buildingPermitFees
        self.foodCertificatePeriodDays = foodCertificatePeriodDays
        self.foodCertificateFees = foodCertificateFees
    }

    public static let services = [BuildingPermitWorkflow.service, FoodCertificateWorkflow.service]

    /// What each service issues, in Thai: how queues, filters and reports name it.
    public static let names = [
        BuildingPermitWorkflow.service: "ใบอนุญาตก่อสร้างอาคาร",
        FoodCertificateWorkflow.service: "หนังสือรับรองการแจ้งสถานที่จำหน่ายอาหาร/สะสมอาหาร",
    ]

    /// The workflow of `service`, or nil if this office does not offer it.
    public func workflow(_ service: String) -> (any ServiceWorkflow)? {
        switch service {
        case BuildingPermitWorkflow.service: BuildingPermitWorkflow(settings: buildingPermit)
        case FoodCertificateWorkflow.service: FoodCertificateWorkflow(periodDays: foodCertificatePeriodDays)
        default: nil
        }
    }

    /// Actions whose approval issues an official number, by service.
    public func issuesNumber(service: String, action: String) -> Bool {
        ServiceCatalog.services.contains(service) && action == "approve"
    }

    /// A service's details checked, in their stored form, and the fees due on filing (satang).
    public func file(_ service: String, _ details: [String: JSONValue], on day: CivilDate) throws -> (details: [String: JSONValue], fees: [String: JSONValue]) {
        let missing = OfficeError(.internal, code: "no_fee_schedule", th: "ยังไม่ได้กำหนดอัตราค่าธรรมเนียมของสำนักงาน",
                                  en: "the office has no fee schedule in force on \(day.iso)")
        switch service {
        case FoodCertificateWorkflow.service:
            let checked = try FoodCertificateDetails(details)
            guard let schedule = foodCertificateFees.schedule(on: day) else { throw missing }
            return (checked.value, ["annual": .number(Double(schedule.annualFee.satang)), "late_surcharge_percent": .number(Double(schedule.lateSurchargePercent)),
                                    "total": .number(Double(schedule.annualFee.satang)), "currency": "THB-satang"])
        default:
            let checked = try BuildingPermitDetails(details, settings: buildingPermit)
            guard let schedule = buildingPermitFees.schedule(on: day) else { throw missing }
            let quote = schedule.quote(area: checked.floorArea, storeys: checked.storeys)
            return (checked.value, ["plan_check": .number(Double(quote.planCheckFee.satang)), "permit": .number(Double(quote.permitFee.satang)),
                                    "total": .number(Double(quote.total.satang)), "currency": "THB-satang"])
        }
    }
}
