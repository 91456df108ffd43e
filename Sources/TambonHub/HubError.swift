import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonStore
import TambonProtocol

/// A refusal the hub sends back: HTTP status, a machine-readable code and a message, as the JSON body
/// `{"error": code, "message": text}`.
public struct HubError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Further members of the error body (for example `last_nonce` with `replayed_request`).
    public var details: [String: JSONValue] = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = SyncMessage.encode(.object(details.merging(["error": .string(code), "message": .string(message)]) { $1 }))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name(SyncProtocol.Header.protocolVersion)!] = String(SyncProtocol.version)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Maps store and validation errors to protocol refusals.
    static func from(_ error: any Error) -> HubError {
        switch error {
        case let error as HubError:
            return error
        case let rejection as ChangeRejection:
            let status: HTTPResponse.Status
            switch rejection.reason {
            case .fork, .brokenChain, .chainGap: status = .conflict
            case .outsideScope: status = .forbidden
            case .badHash, .badSignature, .clockSkew, .invalid: status = .unprocessableContent
            }
            return HubError(status, rejection.code, rejection.description)
        case let error as StoreError:
            let status: HTTPResponse.Status
            switch error.code {
            case .invalidToken, .expiredToken, .wrongOffice, .revokedNode: status = .forbidden
            case .usedToken, .officeNodeExists, .alreadyJoined, .staleLog: status = .conflict
            case .unknownNode, .replayedRequest: status = .unauthorized
            case .invalidArgument, .invalidWrite: status = .badRequest
            default: status = .internalServerError
            }
            return HubError(status, error.code.rawValue, error.description)
        case let failure as SyncFailure:
            return HubError(.init(code: failure.status ?? 400), failure.code, failure.message)
        case is NIOTooManyBytesError:
            return HubError(.contentTooLarge, "body_too_large", "the request body is larger than \(SyncProtocol.maximumWireBytes) bytes")
        default:
            return HubError(.internalServerError, "internal", "the hub failed to handle the request")
        }
    }
}
