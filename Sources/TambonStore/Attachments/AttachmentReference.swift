import TambonCore

/// A file a record refers to: an element of the record's `attachments` set, whose value holds at least
/// `sha256` (hex), `size` (bytes) and `type` (media type).
public struct AttachmentReference: Sendable, Hashable {
    public let sha256: String
    public let size: Int
    public let type: String

    public init?(_ value: JSONValue) {
        guard let hash = value.objectValue?["sha256"]?.stringValue, AttachmentStore.isValidHash(hash),
            let size = value.objectValue?["size"]?.numberValue, size >= 1, size == size.rounded(), size < 1e12
        else { return nil }
        sha256 = hash
        self.size = Int(size)
        type = value.objectValue?["type"]?.stringValue ?? "application/octet-stream"
    }

    /// The name of the set field that holds attachment references in any record.
    public static let field = "attachments"
}
