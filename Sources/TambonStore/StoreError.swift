import TambonCore

/// A failure of the store that is not about one remote change (those are ``TambonCore/ChangeRejection``):
/// a message saying what went wrong and, where there is one, what to try next.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notInitialised = "not_initialised"
        case alreadyInitialised = "already_initialised"
        case copiedDataDirectory = "copied_data_directory"
        case staleLog = "stale_log"
        case invalidWrite = "invalid_write"
        case invalidArgument = "invalid_argument"
        case unknownRecord = "unknown_record"
        case corrupt = "corrupt"
        case notJoined = "not_joined"
        case alreadyJoined = "already_joined"
    }

    public let code: Code
    public let message: String
    /// What the operator can do about it.
    public let hint: String?

    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message). Try: \($0)" } ?? message
    }
}

extension StoreError: TambonErrorConvertible {
    /// The kind of each code: what an edge answers (the hub's status, the command line's message).
    public var kind: TambonError.Kind {
        switch code {
        case .alreadyJoined, .staleLog, .alreadyInitialised, .copiedDataDirectory: .conflict
        case .invalidArgument, .invalidWrite: .invalid
        case .unknownRecord: .notFound
        case .notInitialised, .notJoined: .conflict
        case .corrupt: .internal
        }
    }

    public var tambonError: TambonError {
        TambonError(kind, TambonError.Code(code.rawValue), message, hint: hint, cause: self)
    }
}
