import TambonCore
import TambonOSS

/// A staff account of an office. Accounts are replicated records in the office's scope, so they work on any of
/// the office's nodes (the survey laptop in the field included); only the bcrypt hash of the password is stored.
public struct UserAccount: Sendable, Equatable {
    public let name: String
    public let office: String
    public let role: ActorRole
    public let disabled: Bool
    let passwordHash: String

    init?(fields: [String: JSONValue], office: String) {
        guard let name = fields["name"]?.stringValue, let role = fields["role"]?.stringValue.flatMap(ActorRole.init(rawValue:)),
            role != .citizen, let hash = fields["password_hash"]?.stringValue
        else { return nil }
        self.name = name
        self.office = office
        self.role = role
        disabled = fields["disabled"] == .bool(true)
        passwordHash = hash
    }
}
