import HTTPTypes
import Hummingbird
import NIOCore
import TambonProtocol

/// Cross-origin access to the sync endpoints (`/v1/…`) for the survey app installed from an office node (SPEC §11a):
/// the app then talks to the hub from another origin. Safe for any origin because these endpoints authenticate by the
/// node's signature over each request, never by cookies (credentials are not allowed); the operators' pages and
/// reports get no CORS headers at all.
struct PhoneCORS<Context: RequestContext>: RouterMiddleware {
    let cors = CORSMiddleware<Context>(
        allowOrigin: .all,
        allowHeaders: [
            .contentType, .contentEncoding,
            HTTPField.Name(SyncProtocol.Header.protocolVersion)!, HTTPField.Name(SyncProtocol.Header.software)!,
            HTTPField.Name(SyncProtocol.Header.node)!, HTTPField.Name(SyncProtocol.Header.nonce)!, HTTPField.Name(SyncProtocol.Header.time)!,
            HTTPField.Name(SyncProtocol.Header.signature)!, HTTPField.Name(SyncProtocol.Header.chunkHash)!,
        ],
        allowMethods: [.get, .post, .options],
        allowCredentials: false,
        exposedHeaders: [SyncProtocol.Header.hubTime, SyncProtocol.Header.protocolVersion, SyncProtocol.Header.chunkHash],
        maxAge: .seconds(3600))

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}
