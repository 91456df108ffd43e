/// A change as a store keeps it: its operations and scope still in their canonical JSON bytes. Sending a change
/// needs nothing more, so a push batch or a pull page is written from these without parsing and re-encoding
/// every value (`TambonProtocol.ChangeBatchWriter`); ``decoded()`` gives the full ``Change``.
public struct StoredChange: Sendable {
    public var origin: NodeID
    public var seq: Int64
    public var hlc: HLC
    public var collection: String
    public var record: String
    /// The canonical JSON array of office codes.
    public var canonicalScope: [UInt8]
    /// The canonical JSON array of operations, exactly as hashed.
    public var canonicalOperations: [UInt8]
    public var previous: [UInt8]?
    public var hash: [UInt8]
    public var signature: [UInt8]

    public init(
        origin: NodeID, seq: Int64, hlc: HLC, collection: String, record: String, canonicalScope: [UInt8],
        canonicalOperations: [UInt8], previous: [UInt8]?, hash: [UInt8], signature: [UInt8]
    ) {
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.collection = collection
        self.record = record
        self.canonicalScope = canonicalScope
        self.canonicalOperations = canonicalOperations
        self.previous = previous
        self.hash = hash
        self.signature = signature
    }

    /// The stored form of `change`.
    public init(_ change: Change) {
        var scope: [UInt8] = []
        ChangeEncoding.appendScope(change.scope, to: &scope)
        self.init(
            origin: change.origin, seq: change.seq, hlc: change.hlc, collection: change.collection, record: change.record,
            canonicalScope: scope, canonicalOperations: change.canonicalOperations, previous: change.previous, hash: change.hash,
            signature: change.signature)
    }

    /// The change with its operations and scope parsed.
    public func decoded() throws(ChangeFormatError) -> Change {
        guard case .array(let opValues)? = try? JSONValue(parsing: canonicalOperations) else {
            throw ChangeFormatError("the stored operations are not a JSON array")
        }
        var operations: [ChangeOperation] = []
        operations.reserveCapacity(opValues.count)
        for value in opValues { operations.append(try ChangeCodec.operation(from: value)) }
        guard case .array(let scopeValues)? = try? JSONValue(parsing: canonicalScope) else {
            throw ChangeFormatError("the stored scope is not a JSON array")
        }
        var scope: [String] = []
        for value in scopeValues {
            guard let office = value.stringValue else { throw ChangeFormatError("the stored scope holds a non-string") }
            scope.append(office)
        }
        return Change(
            origin: origin, seq: seq, hlc: hlc, collection: collection, record: record, scope: scope, operations: operations,
            previous: previous, hash: hash, signature: signature)
    }
}
