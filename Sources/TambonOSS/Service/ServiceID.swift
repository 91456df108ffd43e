import TambonCore

/// A service's code, as records, URLs and reports carry it (`building-permit`). Typed inside the code, a string on
/// the wire; each service declares its own (`ServiceID.buildingPermit` lives in the building permit's folder).
public struct ServiceID: StringCode, Comparable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static func < (lhs: ServiceID, rhs: ServiceID) -> Bool { lhs.rawValue < rhs.rawValue }
}
