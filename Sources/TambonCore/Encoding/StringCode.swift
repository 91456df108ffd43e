/// A typed string that travels as a plain string (an error code, a service's code, an action's name): typed
/// inside the code so one cannot be passed for another, written as a literal where it is known.
public protocol StringCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension StringCode {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}
