import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// How a node's requests reach its hub. A transport only carries a request and brings back the answer as it came;
/// everything else — the headers every request carries, signing, reading the answer and its refusals, recovering
/// from a replayed nonce — is the same for every transport and is written once, below. ``HubClient`` is the
/// HTTPS transport; tests route requests into the hub's application in the same process.
public protocol HubTransport: Sendable {
    /// The request sizes adapted to this link.
    var sizing: LinkSizing { get }

    /// Sends `request` and returns the answer whatever its status. A request that got no answer (refused
    /// connection, cut, timeout) throws a ``TambonError`` of kind `.unavailable`, which ``BatchSizing`` counts as
    /// a cut.
    func exchange(_ request: HubRequest, deadline: TimeAmount) async throws -> HubResponse.Wire
}

extension HubTransport {
    /// How many times a request is sent in all when the hub answers `replayed_request` (SPEC §9, Replay).
    public static var replayAttempts: Int { 3 }

    /// The hub's id and protocol version (no authentication).
    public func hello(deadline: TimeAmount = .seconds(30)) async throws -> (hub: NodeID, protocolVersion: Int) {
        let request = HubRequest(method: "GET", path: SyncProtocol.Path.hello)
        let response = try await respond(to: request, deadline: deadline, clock: StoreConfiguration.systemMillis)
        guard let hub = response.members["hub"]?.stringValue.flatMap(NodeID.init(hex:)) else {
            throw TambonError(.badResponse, "malformed_message", "the hub did not say who it is")
        }
        return (hub, Int(response.members["protocol"]?.integerValue ?? 0))
    }

    /// A signed POST of `body` (compressed when large): the node proves it holds its key; the nonce makes each
    /// request unique so a captured one cannot be replayed.
    public func post(
        _ path: String, body: JSONValue, signer: RequestSigner, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> HubResponse {
        try await post(path, body: try EncodedBody.encode(body), signer: signer, nonce: nonce, deadline: deadline)
    }

    /// A signed POST of a JSON body already encoded.
    public func post(
        _ path: String, body: EncodedBody, signer: RequestSigner, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> HubResponse {
        try await post(
            path, bytes: body.bytes, contentType: "application/json", contentEncoding: body.encoding, signer: signer,
            nonce: nonce, deadline: deadline)
    }

    /// A signed POST of raw bytes (an attachment chunk), with the same nonce handling. `nonce` is one the caller
    /// drew from ``RequestSigner/nextNonce()`` in advance (to send while the store's writer is busy); nil draws one.
    public func post(
        _ path: String, bytes: [UInt8], contentType: String, contentEncoding: String? = nil, headers: [(String, String)] = [],
        signer: RequestSigner, nonce: Int64? = nil, deadline: TimeAmount
    ) async throws -> HubResponse {
        var drawn: Int64
        if let nonce {
            drawn = nonce
        } else {
            drawn = try await signer.nextNonce()
        }
        var attempt = 1
        while true {
            do {
                return try await send(
                    path, bytes: bytes, contentType: contentType, contentEncoding: contentEncoding, headers: headers,
                    signer: signer, nonce: drawn, deadline: deadline)
            } catch let failure as TambonError where failure.code == "replayed_request" && attempt < Self.replayAttempts {
                // Another process on the same directory (a manual sync beside `node serve`) used a higher nonce that
                // reached the hub first, or this directory's counter is behind: move past the hub's and send again.
                // Under load the other process can get ahead again meanwhile, so up to ``replayAttempts`` in all.
                attempt += 1
                if let last = failure.details["last_nonce"]?.integerValue {
                    try await signer.advanceNonce(past: last)
                }
                drawn = try await signer.nextNonce()
            }
        }
    }

    /// Sends `bytes` as they are, signed with `nonce` (tests use it to send what a well-behaved node would not).
    public func send(
        _ path: String, bytes: [UInt8], contentType: String = "application/json", contentEncoding: String? = nil,
        headers: [(String, String)] = [], signer: RequestSigner, nonce: Int64, deadline: TimeAmount = .seconds(30),
        protocolVersion: String = String(SyncProtocol.version)
    ) async throws -> HubResponse {
        var request = HubRequest(method: "POST", path: path, body: bytes, protocolVersion: protocolVersion)
        request.headers.append(("Content-Type", contentType))
        if let contentEncoding { request.headers.append(("Content-Encoding", contentEncoding)) }
        request.headers += headers
        request.headers += try await signer.headers(method: "POST", path: path, nonce: nonce, body: bytes)
        return try await respond(to: request, deadline: deadline, clock: signer.wallClock)
    }

    /// Carries `request` and reads the answer, timing the round trip with `clock`.
    private func respond(to request: HubRequest, deadline: TimeAmount, clock: @Sendable () -> Int64) async throws -> HubResponse {
        let started = clock()
        let wire = try await exchange(request, deadline: deadline)
        return try HubResponse(reading: wire, sentBytes: request.body.count, startedMillis: started, finishedMillis: clock())
    }
}
