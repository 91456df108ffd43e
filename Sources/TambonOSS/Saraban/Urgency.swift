/// How urgent a letter is (ชั้นความเร็ว), with its e-CMS SpeedCode. The inbox puts the most urgent first.
public enum Urgency: String, Sendable, CaseIterable, Codable, Comparable {
    case normal
    /// ด่วน
    case urgent
    /// ด่วนมาก
    case veryUrgent = "very-urgent"
    /// ด่วนที่สุด
    case mostUrgent = "most-urgent"

    /// The Thai mark stamped on the letter; empty for a normal one.
    public var thai: String {
        switch self {
        case .normal: ""
        case .urgent: "ด่วน"
        case .veryUrgent: "ด่วนมาก"
        case .mostUrgent: "ด่วนที่สุด"
        }
    }

    /// e-CMS SpeedCode (the domain facts mark the order of the codes unverified: keep it in this one table).
    public var ecmsCode: String {
        switch self {
        case .normal: "001"
        case .urgent: "002"
        case .veryUrgent: "003"
        case .mostUrgent: "004"
        }
    }

    public init?(ecmsCode: String) {
        guard let found = Self.allCases.first(where: { $0.ecmsCode == ecmsCode }) else { return nil }
        self = found
    }

    var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.rank < rhs.rank }
}
