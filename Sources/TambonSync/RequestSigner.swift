import TambonCore
import TambonProtocol
import TambonStore

/// What signs a node's requests to its hub: draws each request's nonce and signs its `SyncProtocol.signingMessage`
/// with the node's key. It is a transport's only contact with the node's keys and counters, so a transport never
/// reads the store, and a test can sign with no store at all.
public struct RequestSigner: Sendable {
    /// The node that signs, and the hub the requests are for (both are in every signing message).
    public let node: NodeID
    public let hub: NodeID
    /// The node's clock (ms): sent in `Tambon-Time`, and the clock a round trip is measured with.
    public let wallClock: @Sendable () -> Int64
    private let drawNonce: @Sendable () async throws -> Int64
    private let moveNonce: @Sendable (Int64) async throws -> Void
    private let signBytes: @Sendable ([UInt8]) async throws -> [UInt8]

    /// `nextNonce` returns a value above every nonce it returned before; `advanceNonce` moves the counter so the
    /// next one is above the given value; `sign` signs with the node's key.
    public init(
        node: NodeID, hub: NodeID, nextNonce: @escaping @Sendable () async throws -> Int64,
        advanceNonce: @escaping @Sendable (Int64) async throws -> Void, sign: @escaping @Sendable ([UInt8]) async throws -> [UInt8],
        wallClock: @escaping @Sendable () -> Int64
    ) {
        self.node = node
        self.hub = hub
        self.wallClock = wallClock
        drawNonce = nextNonce
        moveNonce = advanceNonce
        signBytes = sign
    }

    /// Signs as the node of `store`: its key, its request-nonce counter, its configured clock.
    public static func store(_ store: Store, node: NodeID, hub: NodeID) -> RequestSigner {
        RequestSigner(
            node: node, hub: hub,
            nextNonce: { try await store.nextCounterValue(Store.CursorName.requestNonce) },
            advanceNonce: { try await store.advanceCounter(Store.CursorName.requestNonce, to: $0) },
            sign: { try await store.sign($0) }, wallClock: store.configuration.wallClock)
    }

    /// A fresh nonce. Draw it ahead of time to send a request while the store's writer is busy.
    public func nextNonce() async throws -> Int64 { try await drawNonce() }

    /// Moves past `last` (the hub's `last_nonce` in a `replayed_request` refusal), so the next nonce is fresh.
    public func advanceNonce(past last: Int64) async throws { try await moveNonce(last) }

    /// Signs `bytes` with the node's key.
    public func sign(_ bytes: [UInt8]) async throws -> [UInt8] { try await signBytes(bytes) }

    /// The headers that sign one request (SPEC: node, nonce, signature, time).
    public func headers(method: String, path: String, nonce: Int64, body: [UInt8]) async throws -> [(String, String)] {
        let signature = try await sign(SyncProtocol.signingMessage(method: method, path: path, hub: hub, nonce: nonce, body: body))
        return [
            (SyncProtocol.Header.node, node.hex), (SyncProtocol.Header.nonce, String(nonce)),
            (SyncProtocol.Header.signature, Hex.encode(signature)), (SyncProtocol.Header.time, String(wallClock())),
        ]
    }
}
