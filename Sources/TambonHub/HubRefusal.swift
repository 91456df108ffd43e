import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonProtocol

/// The hub's edge for errors: any failure of a request becomes the protocol's refusal, an HTTP status chosen by the
/// error's kind and the JSON body `{"error": code, "message": text}` with its details (SPEC §9).
public struct HubRefusal: HTTPResponseError, Sendable {
    public var error: TambonError
    /// The hub's clock when it refused (ms), sent as `Tambon-Hub-Time` like every answer's: a node whose changes
    /// are refused as `clock_skew` learns from it how far ahead it is (SPEC §4.1).
    public var hubMillis: Int64?

    public init(_ error: any Error) {
        if error is NIOTooManyBytesError {
            self.error = TambonError(.tooLarge, "body_too_large", "the request body is larger than \(SyncProtocol.maximumWireBytes) bytes")
        } else if !(error is any TambonErrorConvertible), !(error is TambonError), let error = error as? any HTTPResponseError,
            (400..<500).contains(error.status.code)
        {
            // The framework's own refusals (a path parameter that is not a number): malformed, not a failure of the hub.
            self.error = TambonError(.invalid, "malformed_message", "\(error)")
        } else {
            let converted = TambonError(error)
            // An internal failure's text stays in the hub's log; the node learns only that it happened.
            self.error =
                converted.kind == .internal
                ? TambonError(.internal, "internal", "the hub failed to handle the request", cause: error) : converted
        }
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: error.kind.httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name(SyncProtocol.Header.protocolVersion)!] = String(SyncProtocol.version)
        if let seconds = error.details["retry_after_s"]?.integerValue { headers[.retryAfter] = String(seconds) }
        if case .string(let methods)? = error.details["allow"] { headers[.allow] = methods }
        if let hubMillis { headers[HTTPField.Name(SyncProtocol.Header.hubTime)!] = String(hubMillis) }
        let body = SyncMessage.encode(error.wireBody)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
