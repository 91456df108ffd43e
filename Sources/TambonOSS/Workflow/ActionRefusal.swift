/// Why an action cannot be applied to an application: shown in Thai (first) and English, on the timeline when a
/// merged action turns out invalid, and as the answer to a refused request.
public struct ActionRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Not possible in the application's current status (HTTP 409).
        public static let invalidForStatus = Code(rawValue: "invalid_for_status")
        /// Something the action needs is missing or malformed (HTTP 422).
        public static let invalidPayload = Code(rawValue: "invalid_payload")
        /// The actor's role may not take this action (HTTP 403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// The service has no such action (HTTP 400).
        public static let unknownAction = Code(rawValue: "unknown_action")
    }

    public let code: Code
    public let thai: String
    public let english: String

    public init(_ code: Code, th thai: String, en english: String) {
        self.code = code
        self.thai = thai
        self.english = english
    }

    public var description: String { english }
}
