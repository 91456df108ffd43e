/// A letter's secrecy (ชั้นความลับ), with its e-CMS SecretCode. ลับที่สุด (top secret) may not travel electronically.
public enum Secrecy: String, Sendable, CaseIterable, Codable, Comparable {
    case normal
    /// ลับ
    case confidential
    /// ลับมาก
    case secret
    /// ลับที่สุด
    case topSecret = "top-secret"

    public var thai: String {
        switch self {
        case .normal: ""
        case .confidential: "ลับ"
        case .secret: "ลับมาก"
        case .topSecret: "ลับที่สุด"
        }
    }

    public var ecmsCode: String {
        switch self {
        case .normal: "001"
        case .confidential: "002"
        case .secret: "003"
        case .topSecret: "004"
        }
    }

    public init?(ecmsCode: String) {
        guard let found = Self.allCases.first(where: { $0.ecmsCode == ecmsCode }) else { return nil }
        self = found
    }

    /// Whether only those who hold secret correspondence (and the named recipient) may read the content.
    public var isRestricted: Bool { self != .normal }

    /// Why a top-secret letter is refused for electronic sending: the 2564 amendment keeps ลับที่สุด on paper.
    public static let topSecretRefusal = FieldError(
        "secrecy",
        th: "หนังสือชั้นลับที่สุดส่งทางระบบสารบรรณอิเล็กทรอนิกส์ไม่ได้ ตามระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ (ฉบับที่ 4) พ.ศ. 2564 ต้องส่งเป็นหนังสือโดยตรง",
        en: "a top-secret (ลับที่สุด) letter may not be sent electronically: the correspondence regulation as amended in B.E. 2564 keeps it on paper")

    var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Secrecy, rhs: Secrecy) -> Bool { lhs.rank < rhs.rank }
}
