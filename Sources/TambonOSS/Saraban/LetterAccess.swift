/// Who may read a letter's content: anyone for an ordinary letter; for one marked ลับ or ลับมาก, only a records
/// officer (the role that holds the office's secret correspondence) and the persons the letter names.
///
/// The named persons are, at the sending office, the clerk who drafted it and the signatory who approved it (and,
/// while it is a draft, any signatory, who must read what they sign); at a receiving office, each officer a minute
/// (เกษียน) routes it to by account name. Everyone else sees that the letter exists, its number, sender, urgency and
/// secrecy, and nothing of its content, its files or its minutes' instructions.
public struct LetterAccess: Sendable, Equatable {
    public let account: String
    public let role: ActorRole

    public init(account: String, role: ActorRole) {
        self.account = account
        self.role = role
    }

    /// Whether this person holds the office's secret correspondence.
    public var holdsSecrets: Bool { role == .recordsOfficer }

    /// Whether this person may read a letter of `secrecy` that names `named`.
    public func mayRead(_ secrecy: Secrecy, named: Set<String>) -> Bool {
        !secrecy.isRestricted || holdsSecrets || named.contains(account)
    }

    /// Whether this person may read one of the office's own letters: the drafter and approver are named, and a
    /// signatory may read a draft awaiting signature.
    public func mayRead(own secrecy: Secrecy, draftedBy: String?, approvedBy: String?, isDraft: Bool) -> Bool {
        mayRead(secrecy, named: Set([draftedBy, approvedBy].compactMap { $0 })) || (isDraft && role == .admin)
    }
}
