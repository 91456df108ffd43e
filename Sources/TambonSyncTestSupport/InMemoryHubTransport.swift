import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import TambonCore
import TambonHub
import TambonProtocol
import TambonReports
import TambonStore
import TambonSync
import TambonWebKit

/// A ``HubTransport`` that hands each request to the hub's own router in this process: the hub's real endpoints,
/// authentication, intake and refusals, with no TLS, no socket and no port. Requests can be cut, before or after
/// the hub handled them, as a flaky link would.
public final class InMemoryHubTransport: HubTransport {
    public let sizing: LinkSizing
    private let responder: RouterResponder<TambonRequestContext>
    private let channel = NIOAsyncTestingChannel()
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var cuts: [(path: String, handled: Bool)] = []
        var paths: [String] = []
    }

    /// A transport into `responder` (one hub's routes, see ``hub(_:logger:)``); many nodes' transports may share one.
    public init(responder: RouterResponder<TambonRequestContext>, maximumPushChanges: Int = SyncProtocol.maximumPushChanges, logger: Logger) {
        self.responder = responder
        self.logger = logger
        sizing = LinkSizing(maximumPushChanges: maximumPushChanges)
    }

    /// The routes of the hub whose store is `store` (initialised as a hub), as `tambon hub serve` serves them.
    public static func hub(_ store: Store, logger: Logger) async throws -> RouterResponder<TambonRequestContext> {
        try await HubServer.makeRouter(store: store, index: try ReportIndex(store: store), logger: logger, bcryptCost: 4).buildResponder()
    }

    /// Cuts the next request to `path` (matched by prefix): with `handled`, the hub handles it and the answer is
    /// lost; without, the request never reaches the hub. Either way the node sees a link that gave no answer.
    public func cutNext(_ path: String, handled: Bool = false) {
        state.withLock { $0.cuts.append((path, handled)) }
    }

    /// The path of every request carried so far (cut ones too), in order.
    public var paths: [String] { state.withLock { $0.paths } }

    public func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire {
        let cut: (path: String, handled: Bool)? = state.withLock { state in
            state.paths.append(request.path)
            guard let index = state.cuts.firstIndex(where: { request.path.hasPrefix($0.path) }) else { return nil }
            return state.cuts.remove(at: index)
        }
        if let cut, !cut.handled { throw Self.noAnswer }
        let wire = try await route(request)
        if cut != nil { throw Self.noAnswer }
        return wire
    }

    /// What ``HubClient`` throws for a request the link cut.
    private static let noAnswer = TambonError(.unavailable, "transport", "cannot reach the hub: the connection was closed")

    private func route(_ request: HubRequest) async throws -> HubResponse.Wire {
        var fields = HTTPFields()
        for (name, value) in request.headers {
            guard let name = HTTPField.Name(name) else { throw TambonError(.invalid, "bad_header", "not a header name: \(name)") }
            fields.append(HTTPField(name: name, value: value))
        }
        fields[.contentLength] = String(request.body.count)
        let head = HTTPRequest(
            method: HTTPRequest.Method(request.method) ?? .get, scheme: "https", authority: "hub.test", path: request.path, headerFields: fields)
        let context = TambonRequestContext(source: .init(channel: channel, logger: logger))
        let response: Response
        do {
            response = try await responder.respond(
                to: Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: request.body))), context: context)
        } catch {
            // As the hub's server answers an error that is not an HTTP refusal.
            return HubResponse.Wire(status: 500, reason: "Internal Server Error", headers: [], body: [])
        }
        let body = BodyCollector()
        try await response.body.write(body)
        return HubResponse.Wire(
            status: response.status.code, reason: response.status.reasonPhrase,
            headers: response.headers.map { ($0.name.rawName, $0.value) }, body: body.bytes)
    }

    /// Collects a response body as the router writes it.
    private final class BodyCollector: ResponseBodyWriter {
        var bytes: [UInt8] = []

        func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
