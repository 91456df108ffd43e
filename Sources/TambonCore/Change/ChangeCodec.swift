import Crypto

/// Converts changes to and from their JSON wire form: the body members plus `hash` and `sig` (lower-case hex).
public enum ChangeCodec {
    /// The body as a JSON value (everything the hash covers).
    public static func bodyValue(of change: Change) -> JSONValue {
        .object([
            "v": .number(Double(change.version)),
            "origin": .string(change.origin.hex),
            "seq": .number(Double(change.seq)),
            "hlc": .string(change.hlc.hex),
            "collection": .string(change.collection),
            "record": .string(change.record),
            "scope": .array(change.scope.map { .string($0) }),
            "ops": .array(change.operations.map(operationValue)),
            "prev": change.previous.map { .string(Hex.encode($0)) } ?? .null,
        ])
    }

    /// The wire form. Sync omits `hash` (`includingHash: false`): the receiver recomputes it from the body, and the
    /// signature still has to verify against it, so nothing is lost and 32 incompressible bytes a change are saved.
    public static func value(of change: Change, includingHash: Bool = true) -> JSONValue {
        guard case .object(var members) = bodyValue(of: change) else { preconditionFailure() }
        if includingHash { members["hash"] = .string(Hex.encode(change.hash)) }
        members["sig"] = .string(Hex.encode(change.signature))
        return .object(members)
    }

    /// The wire form of a batch (a push or a pull page). Besides the hash, a change's `prev` is left out when the
    /// change just before it in the batch is its predecessor (same origin, seq − 1): the receiver takes that
    /// change's recomputed hash. `prev` is as random as a hash, so this saves another 32 incompressible bytes for
    /// nearly every change of a batch.
    public static func batchValue(_ changes: [Change]) -> JSONValue {
        var values: [JSONValue] = []
        values.reserveCapacity(changes.count)
        var preceding: Change?
        for change in changes {
            guard case .object(var members) = value(of: change, includingHash: false) else { preconditionFailure() }
            if let preceding, preceding.origin == change.origin, preceding.seq + 1 == change.seq, change.previous == preceding.hash {
                members["prev"] = nil
            }
            values.append(.object(members))
            preceding = change
        }
        return .array(values)
    }

    /// Reads a batch written by ``batchValue(_:)`` (or one with every member present). `failure` names the change
    /// (1-based) in the error.
    public static func batch<Failure: Error>(
        from values: [JSONValue], failure: (Int, ChangeFormatError) -> Failure
    ) throws(Failure) -> [Change] {
        try received(from: values, failure: failure).changes
    }

    /// ``batch(from:failure:)``, keeping the canonical operations encoded to compute the hashes the batch left out,
    /// so the verifier does not encode and hash those changes again.
    public static func received<Failure: Error>(
        from values: [JSONValue], failure: (Int, ChangeFormatError) -> Failure
    ) throws(Failure) -> ReceivedChanges {
        var changes: [Change] = []
        var encodings: [ReceivedChanges.Encoding?] = []
        changes.reserveCapacity(values.count)
        encodings.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            do throws(ChangeFormatError) {
                let (change, encoding) = try read(from: value, after: changes.last)
                changes.append(change)
                encodings.append(encoding)
            } catch {
                throw failure(index + 1, error)
            }
        }
        return ReceivedChanges(changes: changes, encodings: encodings)
    }

    public static func operationValue(_ operation: ChangeOperation) -> JSONValue {
        switch operation {
        case .set(let field, let value):
            return .object(["op": "set", "field": .string(field), "value": value])
        case .add(let field, let id, let value):
            return .object(["op": "add", "field": .string(field), "id": .string(id), "value": value])
        }
    }

    /// Reads a change from its wire form. Structure only: hash, signature and naming rules are checked by
    /// ``ChangeValidator``. `preceding` is the change before it in the same batch, from which a left-out `prev` is
    /// taken.
    public static func change(from value: JSONValue, after preceding: Change? = nil) throws(ChangeFormatError) -> Change {
        try read(from: value, after: preceding).change
    }

    private static let knownMembers: Set<String> = ["v", "origin", "seq", "hlc", "collection", "record", "scope", "ops", "prev", "hash", "sig"]

    /// ``change(from:after:)``, with the canonical encoding it made if it computed the hash (the value left it out).
    private static func read(
        from value: JSONValue, after preceding: Change?
    ) throws(ChangeFormatError) -> (change: Change, encoding: ReceivedChanges.Encoding?) {
        guard case .object(let members) = value else { throw ChangeFormatError("a change must be a JSON object") }
        if let unknown = members.keys.first(where: { !knownMembers.contains($0) }) {
            throw ChangeFormatError("unknown member \"\(unknown)\"")
        }
        let version = try integer(members["v"], "v")
        guard let originText = members["origin"]?.stringValue, let origin = NodeID(hex: originText) else {
            throw ChangeFormatError("\"origin\" must be 64 lower-case hex digits")
        }
        let seq = try integer(members["seq"], "seq")
        guard let hlcText = members["hlc"]?.stringValue, let hlc = HLC(hex: hlcText) else {
            throw ChangeFormatError("\"hlc\" must be 16 lower-case hex digits")
        }
        guard let collection = members["collection"]?.stringValue else { throw ChangeFormatError("\"collection\" must be a string") }
        guard let record = members["record"]?.stringValue else { throw ChangeFormatError("\"record\" must be a string") }
        guard let scopeValues = members["scope"]?.arrayValue else { throw ChangeFormatError("\"scope\" must be an array") }
        var scope: [String] = []
        for office in scopeValues {
            guard let code = office.stringValue else { throw ChangeFormatError("\"scope\" must hold strings") }
            scope.append(code)
        }
        guard let opValues = members["ops"]?.arrayValue else { throw ChangeFormatError("\"ops\" must be an array") }
        var operations: [ChangeOperation] = []
        operations.reserveCapacity(opValues.count)
        for opValue in opValues {
            operations.append(try operation(from: opValue))
        }
        let previous: [UInt8]?
        switch members["prev"] {
        case nil:
            guard let preceding, preceding.origin == origin, preceding.seq + 1 == seq else {
                throw ChangeFormatError(
                    "\"prev\" may be left out only when the change before it in the batch is its predecessor (same origin, seq − 1)")
            }
            previous = preceding.hash
        case .null?: previous = nil
        case .string(let text)?:
            guard text.utf8.count == 64, let bytes = Hex.decode(text) else {
                throw ChangeFormatError("\"prev\" must be null or 64 lower-case hex digits")
            }
            previous = bytes
        default: throw ChangeFormatError("\"prev\" must be null or 64 lower-case hex digits")
        }
        var hash: [UInt8] = []
        if let declared = members["hash"] {
            guard let hashText = declared.stringValue, hashText.utf8.count == 64, let bytes = Hex.decode(hashText) else {
                throw ChangeFormatError("\"hash\" must be 64 lower-case hex digits")
            }
            hash = bytes
        }
        guard let sigText = members["sig"]?.stringValue, sigText.utf8.count == 128, let signature = Hex.decode(sigText) else {
            throw ChangeFormatError("\"sig\" must be 128 lower-case hex digits")
        }
        var change = Change(
            version: Int(version), origin: origin, seq: seq, hlc: hlc, collection: collection, record: record,
            scope: scope, operations: operations, previous: previous, hash: hash, signature: signature)
        guard members["hash"] == nil else { return (change, nil) }
        let encoded = EncodedOperations(change.operations)
        let body = ChangeEncoding.body(of: change, canonicalOperations: encoded.bytes)
        change.hash = Array(SHA256.hash(data: body))
        return (change, ReceivedChanges.Encoding(operations: encoded, bodyBytes: body.count))
    }

    public static func operation(from value: JSONValue) throws(ChangeFormatError) -> ChangeOperation {
        guard case .object(let members) = value else { throw ChangeFormatError("an operation must be a JSON object") }
        guard let field = members["field"]?.stringValue else { throw ChangeFormatError("an operation needs a string \"field\"") }
        guard let opValue = members["value"] else { throw ChangeFormatError("an operation needs a \"value\"") }
        switch members["op"]?.stringValue {
        case "set":
            guard members.count == 3 else { throw ChangeFormatError("a set operation has exactly op, field and value") }
            return .set(field: field, value: opValue)
        case "add":
            guard let id = members["id"]?.stringValue, members.count == 4 else {
                throw ChangeFormatError("an add operation has exactly op, field, id (a string) and value")
            }
            return .add(field: field, id: id, value: opValue)
        default:
            throw ChangeFormatError("\"op\" must be \"set\" or \"add\"")
        }
    }

    static func integer(_ value: JSONValue?, _ name: String) throws(ChangeFormatError) -> Int64 {
        guard case .number(let number)? = value, number.rounded(.towardZero) == number, number >= 0,
            number <= 9_007_199_254_740_991
        else { throw ChangeFormatError("\"\(name)\" must be a non-negative integer") }
        return Int64(number)
    }
}
