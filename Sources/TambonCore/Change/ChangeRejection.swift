/// Why a change was refused, naming the change (origin and seq) so an operator can find it.
public struct ChangeRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The content does not hash to the declared hash.
        case badHash
        /// The signature does not verify against the origin's key.
        case badSignature
        /// A different change with the same origin and seq is already held (or is in the same batch):
        /// the origin re-used sequence numbers, e.g. a data directory restored from an old backup or copied.
        case fork(heldHash: [UInt8])
        /// The change disagrees with the held change before or after it from the same origin: its `prev` is not
        /// the hash of the held seq − 1, or the held seq + 1 does not name it as `prev`.
        case brokenChain(detail: String)
        /// Where the store holds an origin's whole log, seq must follow the last held seq with no gap.
        case chainGap(expectedSeq: Int64)
        /// The HLC lies too far ahead of the local clock.
        case clockSkew(ClockSkewError)
        /// The change breaks a structural rule (names, scope, operations, version).
        case invalid(String)
    }

    public let origin: NodeID
    public let seq: Int64
    public let reason: Reason

    public init(origin: NodeID, seq: Int64, reason: Reason) {
        self.origin = origin
        self.seq = seq
        self.reason = reason
    }

    /// A short machine-readable code for the reason (logs, protocol error bodies).
    public var code: String {
        switch reason {
        case .badHash: return "bad_hash"
        case .badSignature: return "bad_signature"
        case .fork: return "fork"
        case .brokenChain: return "broken_chain"
        case .chainGap: return "chain_gap"
        case .clockSkew: return "clock_skew"
        case .invalid: return "invalid_change"
        }
    }

    public var description: String {
        let which = "change \(origin.short)…#\(seq)"
        switch reason {
        case .badHash:
            return "\(which) refused: bad hash (its content does not hash to the hash it carries)"
        case .badSignature:
            return "\(which) refused: bad signature (not signed by node \(origin.hex))"
        case .fork(let held):
            return "\(which) refused: fork — a different change #\(seq) from this node is already held "
                + "(hash \(Hex.encode(held).prefix(16))…); the node re-used sequence numbers, "
                + "as a data directory restored from an old backup or copied to a second machine does"
        case .brokenChain(let detail):
            return "\(which) refused: fork — \(detail); the node's log has diverged from what is held here"
        case .chainGap(let expected):
            return "\(which) refused: chain gap — expected #\(expected) next from this node"
        case .clockSkew(let skew):
            return "\(which) refused: \(skew.description)"
        case .invalid(let message):
            return "\(which) refused: \(message)"
        }
    }
}

extension ChangeRejection: TambonErrorConvertible {
    public var tambonError: TambonError {
        let kind: TambonError.Kind
        switch reason {
        case .fork, .brokenChain, .chainGap: kind = .conflict
        case .badHash, .badSignature, .clockSkew, .invalid: kind = .unprocessable
        }
        return TambonError(kind, TambonError.Code(code), description, cause: self)
    }
}
