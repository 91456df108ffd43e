import TambonCore

// The one place a failure's kind meets an HTTP status, for both directions of the wire: the hub and the node's web
// app answer with `httpStatus`; the node reads a refusal's status back into a kind.

extension TambonError.Kind {
    /// The status an edge answers with.
    public var httpStatus: Int {
        switch self {
        case .invalid: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        case .unprocessable: 422
        case .upgradeRequired: 426
        case .tooManyRequests: 429
        case .timedOut: 408
        case .unavailable: 503
        case .badResponse: 502
        case .internal: 500
        }
    }

    /// The kind of a refusal received with `status` (any status this side does not know reads as its class).
    public init(httpStatus status: Int) {
        if let known = Self.allCases.first(where: { $0.httpStatus == status }) {
            self = known
        } else if status == 504 {
            self = .unavailable
        } else {
            self = (400..<500).contains(status) ? .invalid : .badResponse
        }
    }
}

extension TambonError {
    /// The wire body of a refusal: `{"error": code, "message": english}` and the details.
    public var wireBody: JSONValue {
        .object(details.merging(["error": .string(code.rawValue), "message": .string(english)]) { $1 })
    }
}
