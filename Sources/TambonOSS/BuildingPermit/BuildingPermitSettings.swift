/// An office's settings for building permits. The periods are the Building Control Act's (45 days, up to two
/// 45-day extensions); they are settings because the extension wording is unverified in the domain facts.
public struct BuildingPermitSettings: Sendable, Codable, Equatable {
    public var periodDays = 45
    public var extensionDays = 45
    public var maximumExtensions = 2
    /// Approve without a recorded site inspection (some offices inspect only on complaint).
    public var inspectionWaived = false
    /// How long a permit is valid (1 year for buildings under 10,000 m²).
    public var validityYears = 1
    /// The largest total floor area this procedure covers (above it a licensed architect must design).
    public var maximumAreaSquareMetres = 150.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case periodDays, extensionDays, maximumExtensions, inspectionWaived, validityYears, maximumAreaSquareMetres
    }

    /// Any setting left out keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        periodDays = try container.decodeIfPresent(Int.self, forKey: .periodDays) ?? periodDays
        extensionDays = try container.decodeIfPresent(Int.self, forKey: .extensionDays) ?? extensionDays
        maximumExtensions = try container.decodeIfPresent(Int.self, forKey: .maximumExtensions) ?? maximumExtensions
        inspectionWaived = try container.decodeIfPresent(Bool.self, forKey: .inspectionWaived) ?? inspectionWaived
        validityYears = try container.decodeIfPresent(Int.self, forKey: .validityYears) ?? validityYears
        maximumAreaSquareMetres = try container.decodeIfPresent(Double.self, forKey: .maximumAreaSquareMetres) ?? maximumAreaSquareMetres
    }
}
