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
}
