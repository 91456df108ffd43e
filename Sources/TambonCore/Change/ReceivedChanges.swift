/// Changes as read from the wire (a push, a pull page, an export file), with the work reading them already did.
///
/// Sync leaves each change's `hash` out (SPEC §4.2): the reader computes it from the canonical body, and encodes the
/// operations to do so. Such a hash matches the content by construction, so verifying the change again would
/// encode and hash the same bytes a second time (a sixth of the hub's CPU per pushed change, `tambon-bench intake`).
/// The reader's canonical operations are kept here instead, and ``verify(at:checkSignature:)`` checks the rest:
/// structure, size and signature. A change whose `hash` came on the wire has no such encoding: its hash is checked
/// against its content, as ``ChangeValidator/verify(_:checkSignature:)`` does.
///
/// Only ``ChangeCodec`` makes the encodings, from the changes it returns here; the changes cannot be altered after,
/// so an encoding always belongs to its change.
public struct ReceivedChanges: Sendable {
    /// What reading a change computed: its canonical operations and the size of the body its hash was taken over.
    struct Encoding: Sendable {
        let operations: EncodedOperations
        let bodyBytes: Int
    }

    public let changes: [Change]
    /// Per change, in `changes`' order: nil when the change came with its hash.
    private let encodings: [Encoding?]

    /// Changes with nothing computed: every change's hash is checked against its content.
    public init(_ changes: [Change]) {
        self.changes = changes
        encodings = Array(repeating: nil, count: changes.count)
    }

    init(changes: [Change], encodings: [Encoding?]) {
        precondition(changes.count == encodings.count)
        self.changes = changes
        self.encodings = encodings
    }

    public var count: Int { changes.count }
    public var isEmpty: Bool { changes.isEmpty }

    /// Verifies the change at `index` (SPEC §5.3: structure, hash, signature if `checkSignature`) and returns its
    /// canonical operations, encoded once whichever way its hash came.
    public func verify(at index: Int, checkSignature: Bool) throws(ChangeRejection) -> EncodedOperations {
        guard let encoding = encodings[index] else { return try ChangeValidator.verify(changes[index], checkSignature: checkSignature) }
        return try ChangeValidator.verify(
            changes[index], hashedFrom: encoding.operations, bodyBytes: encoding.bodyBytes, checkSignature: checkSignature)
    }
}
