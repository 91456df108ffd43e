/// The fee rates for building permits of one office (Building Control Act; Ministerial Regulations No. 70 (2564)
/// for the permit fee and on plan-check fees). Each office's table is configuration: the plan-check rates are
/// marked unverified in the domain facts.
public struct BuildingPermitFees: Sendable, Codable, Equatable {
    /// One band of the plan-check fee: buildings of at most `maximumStoreys` storeys (nil: any height) pay
    /// `satangPerSquareMetre` per m² of total floor area.
    public struct PlanCheckBand: Sendable, Codable, Equatable {
        public let maximumStoreys: Int?
        public let satangPerSquareMetre: Int64

        public init(maximumStoreys: Int?, satangPerSquareMetre: Int64) {
            self.maximumStoreys = maximumStoreys
            self.satangPerSquareMetre = satangPerSquareMetre
        }
    }

    /// The construction permit fee (200 ฿ in the ministerial regulation).
    public let permitFee: Money
    /// Plan-check bands, lowest first.
    public let planCheckBands: [PlanCheckBand]

    public init(permitFee: Money, planCheckBands: [PlanCheckBand]) {
        self.permitFee = permitFee
        self.planCheckBands = planCheckBands.sorted { ($0.maximumStoreys ?? .max) < ($1.maximumStoreys ?? .max) }
    }

    /// The defaults from the domain facts: 200 ฿ permit fee; plan check 0.50 ฿/m² up to 2 storeys, 2 ฿/m² for 3,
    /// 4 ฿/m² above.
    public static let defaults = BuildingPermitFees(
        permitFee: 200,
        planCheckBands: [
            PlanCheckBand(maximumStoreys: 2, satangPerSquareMetre: 50),
            PlanCheckBand(maximumStoreys: 3, satangPerSquareMetre: 200),
            PlanCheckBand(maximumStoreys: nil, satangPerSquareMetre: 400),
        ])

    /// The fees for a building of `area` m² (total floor area of all storeys) and `storeys` storeys.
    public func quote(area: Double, storeys: Int) -> BuildingPermitQuote {
        let band = planCheckBands.first { storeys <= ($0.maximumStoreys ?? .max) } ?? planCheckBands.last
        let rate = band?.satangPerSquareMetre ?? 0
        // Area has at most two decimals on the form; round the product half up to the satang.
        // An area no building has (beyond 10^9 m², or not a number) is quoted as none: never a trapping conversion.
        let satang = (area * Double(rate)).rounded(.toNearestOrAwayFromZero)
        let planCheck = Money(satang: area.isFinite && (0...1e9).contains(area) ? Int64(satang) : 0)
        return BuildingPermitQuote(planCheckFee: planCheck, permitFee: permitFee, satangPerSquareMetre: rate)
    }
}

/// The fees of one building permit application, as shown before submitting and on the application.
public struct BuildingPermitQuote: Sendable, Codable, Equatable {
    public let planCheckFee: Money
    public let permitFee: Money
    public let satangPerSquareMetre: Int64

    public var total: Money { planCheckFee + permitFee }
}

extension Money: Codable {
    public init(from decoder: any Decoder) throws { satang = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(satang)
    }
}
