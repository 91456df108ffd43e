import Crypto

/// Checks a change on its own, with no store: structure, naming rules, hash and (optionally) signature.
/// Checks that need other changes (forks, chains) belong to the store.
public enum ChangeValidator {
    public static let maximumOperations = 1000
    public static let maximumScope = 64
    /// Deepest nesting of arrays and objects inside a value (a change adds 3 levels around it; parsers accept 64).
    public static let maximumValueDepth = 32
    /// Upper bound on a change's canonical body.
    public static let maximumBodyBytes = 1 << 20

    /// Structure and naming rules.
    public static func validate(_ change: Change) throws(ChangeRejection) {
        func invalid(_ message: String) -> ChangeRejection {
            ChangeRejection(origin: change.origin, seq: change.seq, reason: .invalid(message))
        }
        guard change.version == Change.currentVersion else {
            throw invalid("protocol version \(change.version) is not supported (this node speaks version \(Change.currentVersion))")
        }
        guard change.seq >= 1 else { throw invalid("seq must start at 1") }
        guard (change.seq == 1) == (change.previous == nil) else {
            throw invalid(change.seq == 1 ? "seq 1 must have prev null" : "prev is required after seq 1")
        }
        if let previous = change.previous, previous.count != 32 { throw invalid("prev must be 32 bytes") }
        guard Names.isValidCollection(change.collection) else { throw invalid("invalid collection name \"\(change.collection)\"") }
        guard Names.isValidIdentifier(change.record) else { throw invalid("invalid record id \"\(change.record)\"") }
        guard !change.scope.isEmpty, change.scope.count <= maximumScope else {
            throw invalid("scope must name 1 to \(maximumScope) offices")
        }
        for (position, office) in change.scope.enumerated() {
            guard Names.isValidOffice(office) else { throw invalid("invalid office code \"\(office)\" in scope") }
            if position > 0, !change.scope[position - 1].utf8.lexicographicallyPrecedes(office.utf8) {
                throw invalid("scope must be sorted and without duplicates")
            }
        }
        guard !change.operations.isEmpty, change.operations.count <= maximumOperations else {
            throw invalid("a change holds 1 to \(maximumOperations) operations")
        }
        var setFields = Set<String>()
        var addFields = Set<String>()
        var elements = Set<String>()
        for operation in change.operations {
            guard Names.isValidField(operation.field) else { throw invalid("invalid field name \"\(operation.field)\"") }
            guard operation.value.isFiniteJSON else { throw invalid("field \"\(operation.field)\" holds a non-finite number") }
            guard operation.value.nestingDepth <= maximumValueDepth else {
                throw invalid("field \"\(operation.field)\" is nested deeper than \(maximumValueDepth) levels")
            }
            switch operation {
            case .set(let field, _):
                guard setFields.insert(field).inserted else { throw invalid("field \"\(field)\" is set twice in one change") }
            case .add(let field, let id, _):
                guard Names.isValidIdentifier(id) else { throw invalid("invalid element id \"\(id)\" in field \"\(field)\"") }
                guard elements.insert(field + "\u{0}" + id).inserted else {
                    throw invalid("element \"\(id)\" is added twice to \"\(field)\" in one change")
                }
                addFields.insert(field)
            }
        }
        if let both = setFields.intersection(addFields).first {
            throw invalid("field \"\(both)\" is both set and added to in one change")
        }
    }

    /// Every rule a change must pass before it is signed — structure, names and size — returning its canonical
    /// operations and body. A writer runs exactly this before signing, so it never signs a change its receivers
    /// would refuse.
    public static func check(_ change: Change) throws(ChangeRejection) -> (operations: EncodedOperations, body: [UInt8]) {
        try validate(change)
        let operations = EncodedOperations(change.operations)
        let body = ChangeEncoding.body(of: change, canonicalOperations: operations.bytes)
        try checkSize(body.count, of: change)
        return (operations, body)
    }

    private static func checkSize(_ bodyBytes: Int, of change: Change) throws(ChangeRejection) {
        guard bodyBytes <= maximumBodyBytes else {
            throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .invalid("change larger than \(maximumBodyBytes) bytes"))
        }
    }

    /// ``check(_:)``, the hash and, if `checkSignature`, the signature. Returns the canonical operations and where
    /// each operation's value lies in them (the store keeps both), so the caller does not encode anything twice.
    @discardableResult
    public static func verify(_ change: Change, checkSignature: Bool) throws(ChangeRejection) -> EncodedOperations {
        let (operations, body) = try check(change)
        guard change.hash.count == 32, Array(SHA256.hash(data: body)) == change.hash else {
            throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .badHash)
        }
        try checkSignatureIf(checkSignature, of: change)
        return operations
    }

    /// ``verify(_:checkSignature:)`` for a change whose hash its reader computed from `operations`, the canonical
    /// encoding of its operations, over a body of `bodyBytes` (``ReceivedChanges``): the hash matches the content by
    /// construction, so the change is not encoded and hashed again. The refusals, and their order, are the same.
    static func verify(
        _ change: Change, hashedFrom operations: EncodedOperations, bodyBytes: Int, checkSignature: Bool
    ) throws(ChangeRejection) -> EncodedOperations {
        try validate(change)
        try checkSize(bodyBytes, of: change)
        try checkSignatureIf(checkSignature, of: change)
        return operations
    }

    private static func checkSignatureIf(_ asked: Bool, of change: Change) throws(ChangeRejection) {
        if asked, !change.hasValidSignature {
            throw ChangeRejection(origin: change.origin, seq: change.seq, reason: .badSignature)
        }
    }
}

extension JSONValue {
    /// 0 for a scalar, 1 + the deepest member for an array or object.
    public var nestingDepth: Int {
        switch self {
        case .null, .bool, .number, .string: return 0
        case .array(let elements): return 1 + (elements.map(\.nestingDepth).max() ?? 0)
        case .object(let members): return 1 + (members.values.map(\.nestingDepth).max() ?? 0)
        }
    }

    /// False if any number inside is NaN or infinite (JSON cannot carry them).
    public var isFiniteJSON: Bool {
        switch self {
        case .null, .bool, .string: return true
        case .number(let number): return number.isFinite
        case .array(let elements): return elements.allSatisfy(\.isFiniteJSON)
        case .object(let members): return members.values.allSatisfy(\.isFiniteJSON)
        }
    }
}
