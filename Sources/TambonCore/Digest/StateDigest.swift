import Crypto

/// A deterministic SHA-256 over the replicated state of a scope, equal on two replicas exactly when they hold the
/// same state for it.
///
/// The input is one line per item, each line the canonical JSON of an array followed by `\n`:
/// `["r",collection,record,scope]` for a record, then `["f",field,value]` for each register field in byte order of
/// the field name, then `["e",field,id,value]` for each set element in byte order of (field, id). Records come in
/// byte order of (collection, record id). The caller feeds items in that order; values arrive as canonical JSON.
public struct StateDigest: Sendable {
    private var hasher = SHA256()
    private var buffer: [UInt8] = []

    public init() {}

    public mutating func record(collection: String, id: String, scope: [String]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: #"["r","#.utf8)
        CanonicalJSON.appendString(collection, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        CanonicalJSON.appendString(id, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        ChangeEncoding.appendScope(scope, to: &buffer)
        finishLine()
    }

    public mutating func field(_ name: String, canonicalValue: some Sequence<UInt8>) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: #"["f","#.utf8)
        CanonicalJSON.appendString(name, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: canonicalValue)
        finishLine()
    }

    public mutating func element(field: String, id: String, canonicalValue: some Sequence<UInt8>) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: #"["e","#.utf8)
        CanonicalJSON.appendString(field, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        CanonicalJSON.appendString(id, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: canonicalValue)
        finishLine()
    }

    private mutating func finishLine() {
        buffer.append(contentsOf: "]\n".utf8)
        hasher.update(data: buffer)
    }

    /// The digest as 64 lower-case hex digits.
    public func finalize() -> String {
        Hex.encode(Array(hasher.finalize()))
    }
}
