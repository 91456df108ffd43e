/// Tambon's one error model: what kind of failure it is, a stable machine-readable code, a message in Thai and in
/// English, what to try next, further facts for the wire, and the error underneath.
///
/// Code below the edges throws this (or a domain error that converts to it, ``TambonErrorConvertible``). Only the
/// edges turn it into something else: an HTTP status and JSON body (the hub, the node's web app), or one line on
/// standard error and an exit code (the command line). The kind, not the code, decides the status.
public struct TambonError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, from which an edge chooses its answer (an HTTP status, an exit code, a retry).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The input is malformed: not the expected shape, an unknown value, a missing part.
        case invalid
        /// Nobody known made the request (no or a wrong signature, no session).
        case unauthenticated
        /// The requester is known but may not do this.
        case forbidden
        /// No such thing.
        case notFound
        /// The thing exists, but not for this method (a GET where only POST is served).
        case methodNotAllowed
        /// It clashes with what is already held (a fork, a used token, a stale copy).
        case conflict
        /// Larger than allowed.
        case tooLarge
        /// An encoding or media type this side does not read.
        case unsupportedMediaType
        /// Well formed but refused by the rules (a field's value, a workflow step, a change's hash).
        case unprocessable
        /// The other side speaks another protocol version.
        case upgradeRequired
        /// Too many attempts in a short time (logins): wait and try again.
        case tooManyRequests
        /// The request's body did not arrive in the time allowed (a client too slow, or holding the line on purpose).
        case timedOut
        /// The other side could not be reached in time (network, TLS, timeouts).
        case unavailable
        /// The other side answered something this side cannot use.
        case badResponse
        /// A fault of this program or its machine (disk, database), not of the request.
        case `internal`
    }

    /// A stable, machine-readable code (`fork`, `revoked_node`, `invalid_input`, …): it goes on the wire.
    public struct Code: StringCode {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
    }

    public let kind: Kind
    public let code: Code
    /// The message in English (logs, the command line, other programs).
    public let english: String
    /// The message in Thai (screens); a plain Thai sentence for the kind when none was given.
    public let thai: String
    /// What the operator can do about it (the command line prints it after "Try:").
    public var hint: String?
    /// Further members of a wire error body (for example `last_nonce` with `replayed_request`).
    public var details: [String: JSONValue]
    /// The error underneath, kept for logs; never sent over the wire.
    public var cause: (any Error)?

    public init(
        _ kind: Kind, _ code: Code, _ english: String, thai: String? = nil, hint: String? = nil,
        details: [String: JSONValue] = [:], cause: (any Error)? = nil
    ) {
        self.kind = kind
        self.code = code
        self.english = english
        self.thai = thai ?? kind.thai
        self.hint = hint
        self.details = details
        self.cause = cause
    }

    /// The English message, then what to try.
    public var description: String {
        hint.map { "\(english). Try: \($0)" } ?? english
    }

    /// `error` as a ``TambonError``: itself, a domain error's conversion, or an internal failure wrapping it.
    public init(_ error: any Error) {
        switch error {
        case let error as TambonError: self = error
        case let error as any TambonErrorConvertible: self = error.tambonError
        default: self.init(.internal, "internal", "\(error)", cause: error)
        }
    }
}

/// A domain error that keeps its own structure (a change rejection's reason, a form's fields) and says how it
/// reads in the one error model.
public protocol TambonErrorConvertible: Error {
    var tambonError: TambonError { get }
}

extension TambonError.Kind {
    /// A plain Thai sentence for the kind, shown when the thrower gave none.
    public var thai: String {
        switch self {
        case .invalid: "ข้อมูลที่ส่งมาไม่ถูกต้อง"
        case .unauthenticated: "กรุณายืนยันตัวตนก่อน"
        case .forbidden: "ไม่มีสิทธิ์ทำรายการนี้"
        case .notFound: "ไม่พบข้อมูลที่ต้องการ"
        case .methodNotAllowed: "ไม่รองรับวิธีเรียกใช้นี้"
        case .conflict: "ขัดแย้งกับข้อมูลที่มีอยู่แล้ว"
        case .tooLarge: "ข้อมูลมีขนาดใหญ่เกินกำหนด"
        case .unsupportedMediaType: "ไม่รองรับรูปแบบข้อมูลนี้"
        case .unprocessable: "ข้อมูลไม่เป็นไปตามเงื่อนไข"
        case .upgradeRequired: "ต้องปรับรุ่นโปรแกรมก่อน"
        case .tooManyRequests: "พยายามหลายครั้งเกินไป กรุณารอสักครู่แล้วลองใหม่"
        case .timedOut: "ส่งข้อมูลช้าเกินกำหนด กรุณาลองใหม่"
        case .unavailable: "ติดต่อปลายทางไม่ได้ กรุณาลองใหม่ภายหลัง"
        case .badResponse: "ปลายทางตอบกลับไม่ถูกต้อง"
        case .internal: "ระบบขัดข้อง กรุณาลองใหม่ภายหลัง"
        }
    }
}
