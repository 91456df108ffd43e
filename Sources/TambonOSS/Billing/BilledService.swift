import Foundation

/// The monthly fees an office bills its payers for.
public enum BilledService: String, Sendable, Codable, CaseIterable, Comparable {
    case garbage
    case wastewater

    public var thaiName: String { self == .garbage ? "ค่าธรรมเนียมเก็บขนขยะมูลฝอย" : "ค่าธรรมเนียมบำบัดน้ำเสีย" }

    /// Reads a service as typed in a spreadsheet: the code or its Thai short name.
    public init?(typed text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "garbage", "ขยะ", "ขยะมูลฝอย": self = .garbage
        case "wastewater", "น้ำเสีย": self = .wastewater
        default: return nil
        }
    }

    public static func < (lhs: BilledService, rhs: BilledService) -> Bool { lhs.rawValue < rhs.rawValue }
}
