import TambonCore

/// A change the authority rules refused: which one, on which record, and why.
public struct RefusedChange: Sendable, Equatable {
    public let origin: NodeID
    public let seq: Int64
    public let collection: String
    public let record: String
    public let refusal: AuthorityRefusal

    public init(origin: NodeID, seq: Int64, collection: String, record: String, refusal: AuthorityRefusal) {
        self.origin = origin
        self.seq = seq
        self.collection = collection
        self.record = record
        self.refusal = refusal
    }

    public init(_ change: Change, _ refusal: AuthorityRefusal) {
        self.init(origin: change.origin, seq: change.seq, collection: change.collection, record: change.record, refusal: refusal)
    }
}
