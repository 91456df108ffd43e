/// The kinds of official letter of the correspondence regulation (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ).
public enum LetterKind: String, Sendable, CaseIterable, Codable {
    /// หนังสือภายนอก: to another agency or a person, on the agency's letterhead.
    case external
    /// บันทึกข้อความ: within an agency.
    case internalMemo = "internal-memo"
    /// หนังสือประทับตรา: routine matters, stamped instead of signed.
    case stamped
    /// หนังสือสั่งการ: orders, rules and regulations.
    case order
    /// หนังสือประชาสัมพันธ์: announcements, statements, news.
    case announcement
    /// หนังสือที่เจ้าหน้าที่ทำขึ้นหรือรับไว้เป็นหลักฐาน: certificates and other evidence.
    case certificate

    public var thai: String {
        switch self {
        case .external: "หนังสือภายนอก"
        case .internalMemo: "บันทึกข้อความ"
        case .stamped: "หนังสือประทับตรา"
        case .order: "หนังสือสั่งการ"
        case .announcement: "หนังสือประชาสัมพันธ์"
        case .certificate: "หนังสือรับรอง"
        }
    }
}
