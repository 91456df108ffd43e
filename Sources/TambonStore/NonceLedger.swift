import Synchronization
import TambonCore

/// The hub's check of request nonces (SPEC §9), kept in memory and written behind.
///
/// Every signed request carries a nonce greater than any its node used before, so a captured request cannot be
/// replayed. Checking it against the peers table and recording it there made every request, a no-op sync
/// included, a write: on SQLite behind the log's single writer, so during an outage's drain a no-op sync waited
/// for the 500-change push being applied (a p99 near a second); on PostgreSQL a commit of its own.
///
/// Here the enrolment is still read from the directory on every request (a revocation takes effect at once), but
/// the nonce is checked and advanced under a lock in memory, and what each node's latest request left — its
/// nonce, when it was seen, its clock skew — is written to the directory in one write per ``flush()``: every
/// ``flushInterval`` when the hub serves (``writeThrough`` false), or before each request returns (true: the
/// behaviour of ``PeerDirectory/authenticate(node:nonce:skewMillis:)``, for tests and tools).
///
/// What a crash costs: the nonces of the last interval not yet written are accepted once more after a restart.
/// Only someone who could read the TLS traffic could replay them, and pushes are idempotent; the SQLite hub
/// already accepted that loss on a power cut (SPEC §9).
public final class NonceLedger: Sendable {
    /// What a node's latest request left, for ``PeerDirectory/recordRequests(_:)``.
    public struct Seen: Sendable, Equatable {
        public let node: NodeID
        public let nonce: Int64
        public let seenMillis: Int64
        public let skewMillis: Int64?

        public init(node: NodeID, nonce: Int64, seenMillis: Int64, skewMillis: Int64?) {
            self.node = node
            self.nonce = nonce
            self.seenMillis = seenMillis
            self.skewMillis = skewMillis
        }
    }

    private struct State {
        /// The highest nonce accepted from each node since the process started (at most one per enrolled node).
        var accepted: [NodeID: Int64] = [:]
        /// Each node's latest request not yet written.
        var pending: [NodeID: Seen] = [:]
    }

    public let directory: any PeerDirectory
    public let writeThrough: Bool
    private let wallClock: @Sendable () -> Int64
    private let state = Mutex(State())

    /// How long a request's bookkeeping waits in memory at most when the hub serves.
    public static let flushInterval: Duration = .milliseconds(250)

    public init(directory: any PeerDirectory, wallClock: @escaping @Sendable () -> Int64, writeThrough: Bool) {
        self.directory = directory
        self.wallClock = wallClock
        self.writeThrough = writeThrough
    }

    /// Authenticates a request from `node` carrying `nonce`, with the refusals of
    /// ``PeerDirectory/authenticate(node:nonce:skewMillis:)``: unknown node, revoked node, replayed nonce.
    public func authenticate(node: NodeID, nonce: Int64, skewMillis: Int64?) async throws -> Peer {
        guard let (peer, stored) = try await directory.requestState(of: node) else { throw PeerRegistry.Refusal.unknown(node) }
        guard peer.active else { throw PeerRegistry.Refusal.revoked(node) }
        let now = wallClock()
        let admitted = state.withLock { state -> Bool in
            guard nonce > max(stored, state.accepted[node] ?? stored) else { return false }
            state.accepted[node] = nonce
            let skew = skewMillis ?? state.pending[node]?.skewMillis
            state.pending[node] = Seen(node: node, nonce: nonce, seenMillis: now, skewMillis: skew)
            return true
        }
        guard admitted else { throw PeerRegistry.Refusal.replayed(node, nonce: nonce) }
        if writeThrough { try await flush() }
        return peer
    }

    /// The highest nonce accepted from `node`, written or not; nil if it is not enrolled.
    public func lastNonce(of node: NodeID) async throws -> Int64? {
        let stored = try await directory.lastNonce(of: node)
        let held = state.withLock { $0.accepted[node] }
        guard let stored else { return nil }
        return max(stored, held ?? stored)
    }

    /// Writes what waits in one write to the directory and returns how many nodes' entries it wrote. If the write
    /// fails, what it held waits for the next one (unless a newer request of the same node replaced it).
    @discardableResult
    public func flush() async throws -> Int {
        let taken = state.withLock { state -> [Seen] in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return Array(state.pending.values)
        }
        guard !taken.isEmpty else { return 0 }
        do {
            try await directory.recordRequests(taken)
        } catch {
            state.withLock { state in
                for seen in taken where state.pending[seen.node] == nil { state.pending[seen.node] = seen }
            }
            throw error
        }
        return taken.count
    }

    /// Nodes whose latest request is not written yet.
    public var pending: Int { state.withLock { $0.pending.count } }
}
