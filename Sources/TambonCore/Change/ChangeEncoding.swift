/// The canonical body of a change, written directly in RFC 8785 member order (the member names are ASCII, so
/// their UTF-16 order is plain byte order): `collection, hlc, ops, origin, prev, record, scope, seq, v`, and in
/// each operation `field, id, op, value`. Writing it directly, rather than building and sorting a dictionary,
/// keeps hashing cheap on the apply path; the result is byte-identical to ``CanonicalJSON/encode(_:)`` of
/// ``ChangeCodec/bodyValue(of:)`` (a test checks that).
public enum ChangeEncoding {
    public static func body(of change: Change, canonicalOperations: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(canonicalOperations.count + 256)
        output.append(contentsOf: #"{"collection":"#.utf8)
        CanonicalJSON.appendString(change.collection, to: &output)
        output.append(contentsOf: #","hlc":""#.utf8)
        output.append(contentsOf: change.hlc.hex.utf8)
        output.append(contentsOf: #"","ops":"#.utf8)
        output.append(contentsOf: canonicalOperations)
        output.append(contentsOf: #","origin":""#.utf8)
        output.append(contentsOf: change.origin.hex.utf8)
        output.append(contentsOf: #"","prev":"#.utf8)
        if let previous = change.previous {
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: Hex.encode(previous).utf8)
            output.append(UInt8(ascii: "\""))
        } else {
            output.append(contentsOf: "null".utf8)
        }
        output.append(contentsOf: #","record":"#.utf8)
        CanonicalJSON.appendString(change.record, to: &output)
        output.append(contentsOf: #","scope":"#.utf8)
        appendScope(change.scope, to: &output)
        output.append(contentsOf: #","seq":"#.utf8)
        output.append(contentsOf: String(change.seq).utf8)
        output.append(contentsOf: #","v":"#.utf8)
        output.append(contentsOf: String(change.version).utf8)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The canonical JSON array of office codes (the caller keeps them sorted and unique).
    public static func appendScope(_ scope: [String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (position, office) in scope.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendString(office, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    public static func scopeText(_ scope: [String]) -> String {
        var output: [UInt8] = []
        appendScope(scope, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    public static func appendOperations(_ operations: [ChangeOperation], to output: inout [UInt8]) {
        var ignored: [Range<Int>]? = nil
        appendOperations(operations, to: &output, valueRanges: &ignored)
    }

    /// As ``appendOperations(_:to:)``, also recording where each operation's canonical value lies in `output`
    /// (the store keeps values as canonical JSON and so never encodes them twice).
    public static func appendOperations(
        _ operations: [ChangeOperation], to output: inout [UInt8], valueRanges: inout [Range<Int>]?
    ) {
        output.append(UInt8(ascii: "["))
        for (position, operation) in operations.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            switch operation {
            case .set(let field, let value):
                output.append(contentsOf: #"{"field":"#.utf8)
                CanonicalJSON.appendString(field, to: &output)
                output.append(contentsOf: #","op":"set","value":"#.utf8)
                let start = output.count
                CanonicalJSON.append(value, to: &output)
                valueRanges?.append(start..<output.count)
            case .add(let field, let id, let value):
                output.append(contentsOf: #"{"field":"#.utf8)
                CanonicalJSON.appendString(field, to: &output)
                output.append(contentsOf: #","id":"#.utf8)
                CanonicalJSON.appendString(id, to: &output)
                output.append(contentsOf: #","op":"add","value":"#.utf8)
                let start = output.count
                CanonicalJSON.append(value, to: &output)
                valueRanges?.append(start..<output.count)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
    }
}
