/// Who performed an action on an application.
public enum ActorRole: String, Sendable, Codable, CaseIterable {
    /// The applicant, through the public pages (no account).
    case citizen
    /// Office staff handling applications.
    case officer
    /// A survey officer doing site inspections (on a survey node in the field).
    case surveyor
    /// An office administrator (accounts, settings; may act as an officer; signs letters).
    case admin
    /// The office's keeper of secret correspondence: reads letters marked ลับ or ลับมาก (e-Saraban), and no one else
    /// of the office does. Not an official for applications.
    case recordsOfficer = "records-officer"

    /// Officers and admins act on applications on the office's behalf.
    public var isOfficial: Bool { self == .officer || self == .admin }
}
