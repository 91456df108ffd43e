/// Where an application stands. A struct with static members rather than an enum, so each service adds its own
/// statuses (a certificate can be `revoked`) without changing the frame.
public struct ApplicationStatus: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Filed by the citizen (or entered by an officer), not yet checked for completeness.
    public static let submitted = ApplicationStatus(rawValue: "submitted")
    /// Accepted as complete: the legal clock runs.
    public static let accepted = ApplicationStatus(rawValue: "accepted")
    /// Sent back for more documents: the legal clock is paused.
    public static let returned = ApplicationStatus(rawValue: "returned")
    public static let inspectionAssigned = ApplicationStatus(rawValue: "inspection-assigned")
    public static let inspected = ApplicationStatus(rawValue: "inspected")
    public static let approved = ApplicationStatus(rawValue: "approved")
    public static let rejected = ApplicationStatus(rawValue: "rejected")
    public static let withdrawn = ApplicationStatus(rawValue: "withdrawn")
    /// A certificate withdrawn by the office (food certificates).
    public static let revoked = ApplicationStatus(rawValue: "revoked")
    /// The operator notified the closure of the place (food certificates).
    public static let closed = ApplicationStatus(rawValue: "closed")

    /// Statuses that end the application (the clock stops; no further action but what a service allows after).
    public static let decided: Set<ApplicationStatus> = [.approved, .rejected, .withdrawn]

    public var isDecided: Bool { Self.decided.contains(self) }

    /// The Thai label shown to citizens and officers.
    public var thai: String {
        switch self {
        case .submitted: "ยื่นคำขอแล้ว รอตรวจสอบเอกสาร"
        case .accepted: "รับคำขอแล้ว อยู่ระหว่างพิจารณา"
        case .returned: "ส่งคืนให้แก้ไข/เพิ่มเอกสาร"
        case .inspectionAssigned: "มอบหมายตรวจสถานที่แล้ว"
        case .inspected: "ตรวจสถานที่แล้ว"
        case .approved: "อนุญาตแล้ว"
        case .rejected: "ไม่อนุญาต"
        case .withdrawn: "ผู้ยื่นถอนคำขอ"
        case .revoked: "เพิกถอนแล้ว"
        case .closed: "แจ้งเลิกกิจการแล้ว"
        default: rawValue
        }
    }

    public var description: String { rawValue }
}
