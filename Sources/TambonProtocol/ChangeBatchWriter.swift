import TambonCore

/// Writes sync messages holding a batch of changes straight from their stored bytes.
///
/// The output is byte for byte ``CanonicalJSON/encode(_:)`` of the same object built with
/// ``ChangeCodec/batchValue(_:)`` (a test checks it): members in RFC 8785 order, no `hash`, and no `prev` where
/// the change before it in the batch is its predecessor. Only the operations and scope are spliced in as stored —
/// they are already canonical — so nothing is parsed or re-encoded on the way out.
public enum ChangeBatchWriter {
    /// The canonical JSON of an object holding `members` and, under `key`, the wire form of `changes`.
    public static func message(_ members: [String: JSONValue], changes: [StoredChange], key: String = "changes") -> [UInt8] {
        precondition(members[key] == nil, "the batch's key is also a member")
        var output: [UInt8] = []
        output.reserveCapacity(64 + changes.reduce(0) { $0 + $1.canonicalOperations.count + 360 })
        output.append(UInt8(ascii: "{"))
        for (position, name) in CanonicalJSON.sortedKeys(Array(members.keys) + [key]).enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendString(name, to: &output)
            output.append(UInt8(ascii: ":"))
            if name == key {
                appendBatch(changes, to: &output)
            } else {
                CanonicalJSON.append(members[name]!, to: &output)
            }
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The wire form of a batch: a JSON array of changes, members in canonical order.
    public static func appendBatch(_ changes: [StoredChange], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        var preceding: StoredChange?
        for (position, change) in changes.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"collection":"#.utf8)
            CanonicalJSON.appendString(change.collection, to: &output)
            output.append(contentsOf: #","hlc":""#.utf8)
            output.append(contentsOf: change.hlc.hex.utf8)
            output.append(contentsOf: #"","ops":"#.utf8)
            output.append(contentsOf: change.canonicalOperations)
            output.append(contentsOf: #","origin":""#.utf8)
            output.append(contentsOf: change.origin.hex.utf8)
            output.append(UInt8(ascii: "\""))
            let follows = preceding.map { $0.origin == change.origin && $0.seq + 1 == change.seq && change.previous == $0.hash } ?? false
            if !follows {
                output.append(contentsOf: #","prev":"#.utf8)
                if let previous = change.previous {
                    output.append(UInt8(ascii: "\""))
                    output.append(contentsOf: Hex.encode(previous).utf8)
                    output.append(UInt8(ascii: "\""))
                } else {
                    output.append(contentsOf: "null".utf8)
                }
            }
            output.append(contentsOf: #","record":"#.utf8)
            CanonicalJSON.appendString(change.record, to: &output)
            output.append(contentsOf: #","scope":"#.utf8)
            output.append(contentsOf: change.canonicalScope)
            output.append(contentsOf: #","seq":"#.utf8)
            output.append(contentsOf: String(change.seq).utf8)
            output.append(contentsOf: #","sig":""#.utf8)
            output.append(contentsOf: Hex.encode(change.signature).utf8)
            output.append(contentsOf: #"","v":"#.utf8)
            output.append(contentsOf: String(Change.currentVersion).utf8)
            output.append(UInt8(ascii: "}"))
            preceding = change
        }
        output.append(UInt8(ascii: "]"))
    }
}
