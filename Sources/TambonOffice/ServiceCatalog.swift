import TambonOSS

/// The services an office offers and the settings they run with (per office: periods, waivers, fee tables).
public struct ServiceCatalog: Sendable {
    public var buildingPermit: BuildingPermitSettings
    public var buildingPermitFees: FeeTable<BuildingPermitFees>
    /// Days from acceptance to the food certificate's decision (domain facts: 7 working days, unverified).
    public var foodCertificatePeriodDays: Int
    public var foodCertificateFees: FeeTable<FoodCertificateFees>

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
}
