/// The local official who signs what the office issues (เจ้าพนักงานท้องถิ่น, usually the chief executive), as
/// printed on permits and certificates.
public struct Signatory: Sendable, Codable, Equatable {
    public var name: String
    public var title: String

    public init(name: String, title: String) {
        self.name = name
        self.title = title
    }
}
