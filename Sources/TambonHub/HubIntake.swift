import HTTPTypes
import Logging
import TambonCore
import TambonProtocol
import TambonStore

/// Accepts a node's changes at the hub — from a push or from an imported file, with the same checks: every change
/// written by that node, within its office, verified, chained without gaps, applied whole or not at all.
public struct HubIntake: Sendable {
    public let store: any HubLog
    public let logger: Logger

    public init(store: any HubLog, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public struct Outcome: Sendable {
        public let applied: Int
        public let duplicates: Int
        /// The node's highest seq the hub now holds.
        public let acceptedSeq: Int64
        /// Changes the authority rules refused: held in the node's chain, inert, never forwarded.
        public let refused: [PushRefusal]
    }

    public func accept(_ changes: [Change], from peer: Peer) async throws -> Outcome {
        try await accept(ReceivedChanges(changes), from: peer)
    }

    /// ``accept(_:from:)`` for changes read from the wire, taking what reading them computed.
    public func accept(_ received: ReceivedChanges, from peer: Peer) async throws -> Outcome {
        guard peer.active else { throw PeerRegistry.Refusal.revoked(peer.id) }
        if let foreign = received.changes.first(where: { $0.origin != peer.id }) {
            throw TambonError(
                .forbidden, "foreign_origin",
                "change \(foreign.origin.short)…#\(foreign.seq) was not written by node \(peer.id.short)…")
        }
        do {
            let result = try await store.apply(
                received,
                options: ApplyOptions(verifySignatures: true, enforceChain: true))
            let accepted = try await store.registry.peer(peer.id)?.acceptedSeq ?? 0
            logger.info(
                "accepted",
                metadata: [
                    "node": "\(peer.id.short)", "office": "\(peer.office)", "applied": "\(result.applied)",
                    "duplicates": "\(result.duplicates)", "accepted_seq": "\(accepted)",
                ])
            let refused = result.refused.map { PushRefusal(seq: $0.seq, collection: $0.collection, record: $0.record, refusal: $0.refusal) }
            for refusal in refused {
                logger.warning(
                    "refused change",
                    metadata: [
                        "node": "\(peer.id.short)", "office": "\(peer.office)", "role": "\(peer.role.rawValue)", "change": "#\(refusal.seq)",
                        "collection": "\(refusal.collection)", "reason": "\(refusal.refusal.code)",
                    ])
            }
            return Outcome(applied: result.applied, duplicates: result.duplicates, acceptedSeq: accepted, refused: refused)
        } catch let rejection as ChangeRejection {
            logger.warning(
                "refused changes",
                metadata: [
                    "node": "\(peer.id.short)", "office": "\(peer.office)",
                    "reason": "\(rejection.code)", "change": "#\(rejection.seq)",
                ])
            throw rejection
        }
    }
}
