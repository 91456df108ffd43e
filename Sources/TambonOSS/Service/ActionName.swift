import TambonCore

/// An action on an application, as its event stores it (`approve`). Typed inside the code, a string on the wire.
/// The frame's own and the common ones are declared here; a service declares the rest in its folder.
public struct ActionName: StringCode {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Files the application: the first event of every application, by the citizen or an officer for them.
    public static let submit: ActionName = "submit"
    /// An officer takes the application in (documents complete): its legal clock starts.
    public static let accept: ActionName = "accept"
    /// The decision in the applicant's favour; it issues the document and its official number.
    public static let approve: ActionName = "approve"
    /// The decision against, with a reason.
    public static let reject: ActionName = "reject"
    /// The applicant withdraws.
    public static let withdraw: ActionName = "withdraw"
}
