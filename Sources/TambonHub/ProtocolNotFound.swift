import HTTPTypes
import Hummingbird
import TambonCore

/// A path under `/v1/` that names no endpoint (a typo, an empty segment in an attachment's path) is refused as every
/// protocol request is: 404 with the JSON body `{"error": "no_such_endpoint", …}` (SPEC §12), not the framework's
/// empty 404, so a node reads every refusal the same way. The path is not echoed: it is the sender's, of any size.
struct ProtocolNotFound<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw HubRefusal(TambonError(.notFound, "no_such_endpoint", "no protocol endpoint at this path (SPEC §9–§14)"))
        }
    }
}
