import Synchronization
import TambonCore

/// The node's expanded signing key, kept after first use: a local write or a signed request then costs one
/// signature, not a key derivation as well. Keyed by the seed, so a store whose node changes (a restore into
/// the same directory) never signs with a stale key.
final class IdentityCache: Sendable {
    private let cached = Mutex<NodeIdentity?>(nil)

    func identity(for row: NodeRow) throws -> NodeIdentity {
        if let identity = cached.withLock({ $0 }), identity.seed == row.seed { return identity }
        let identity = try row.identity()
        cached.withLock { $0 = identity }
        return identity
    }
}
