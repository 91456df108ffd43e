import GRDB
import TambonCore

extension Store {
    /// Files referenced by records whose scope holds `office` (by every record when nil), each once.
    public func attachmentReferences(office: String? = nil) async throws -> [AttachmentReference] {
        try await writer.read { db in
            var seen = Set<String>()
            return try Self.references(db, office: office, containing: nil).filter { seen.insert($0.sha256).inserted }
        }
    }

    /// The reference to `hash` from a record whose scope holds `office` (any record when nil), if there is one:
    /// a node may send or fetch only files its office's records refer to.
    public func attachmentReference(_ hash: String, office: String? = nil) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        return try await writer.read { db in try Self.references(db, office: office, containing: hash).first { $0.sha256 == hash } }
    }

    /// The `attachments` elements of records in `office`'s scope, narrowed to values containing `text` if given.
    private static func references(_ db: Database, office: String?, containing text: String?) throws -> [AttachmentReference] {
        try String.fetchAll(
            db,
            cached: """
                SELECT e.value FROM set_elements e JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = ? AND (? = '' OR instr(r.scope, ?) > 0) AND instr(e.value, ?) > 0
                """, arguments: [AttachmentReference.field, Self.scopeNeedle(office), Self.scopeNeedle(office), text ?? ""]
        )
        .compactMap { AttachmentReference(try decodeValue($0)) }
    }

    /// Attachments the hub has confirmed it holds whole.
    public func attachmentsAtHub() async throws -> Set<String> {
        try await writer.read { db in Set(try String.fetchAll(db, cached: "SELECT sha256 FROM attachments_at_hub")) }
    }

    /// Remembers that the hub holds these attachments whole.
    public func noteAttachmentsAtHub(_ hashes: [String]) async throws {
        guard !hashes.isEmpty else { return }
        try await writer.write { db in
            for hash in hashes where AttachmentStore.isValidHash(hash) {
                try db.execute(cached: "INSERT OR IGNORE INTO attachments_at_hub (sha256) VALUES (?)", arguments: [hash])
            }
        }
    }
}
