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
    /// a node may send or fetch only files its office's records refer to. Records of the collections in `excluding`
    /// do not count (files a page serves under rules of its own, such as a secret letter's).
    public func attachmentReference(_ hash: String, office: String? = nil, excluding: Set<String> = []) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        return try await writer.read { db in
            try Self.references(db, office: office, containing: hash, excluding: excluding).first { $0.sha256 == hash }
        }
    }

    /// The `attachments` elements of records in `office`'s scope, narrowed to values containing `text` if given.
    private static func references(
        _ db: Database, office: String?, containing text: String?, excluding: Set<String> = []
    ) throws -> [AttachmentReference] {
        try Row.fetchAll(
            db,
            cached: """
                SELECT e.collection, e.value FROM set_elements e JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = ? AND (? = '' OR instr(r.scope, ?) > 0) AND instr(e.value, ?) > 0
                """, arguments: [AttachmentReference.field, Self.scopeNeedle(office), Self.scopeNeedle(office), text ?? ""]
        )
        .filter { !excluding.contains($0["collection"]) }
        .compactMap { AttachmentReference(try decodeValue($0["value"])) }
    }

    /// The reference to `hash` through which `office` may read the file at the hub (SPEC §14): from a record in the
    /// office's scope whose owner office uploaded the file. Knowing a hash, or writing a record that names it, is
    /// not enough.
    public func readableAttachment(_ hash: String, office: String) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        return try await writer.read { db in
            let owners = Set(try String.fetchAll(db, cached: "SELECT office FROM blob_owners WHERE sha256 = ?", arguments: [hash]))
            guard !owners.isEmpty else { return nil }
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT e.record_id, e.value FROM set_elements e JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                    WHERE e.field = ? AND instr(r.scope, ?) > 0 AND instr(e.value, ?) > 0
                    """, arguments: [AttachmentReference.field, Self.scopeNeedle(office), hash])
            for row in rows {
                let record: String = row["record_id"]
                guard let owner = Authority.owner(ofRecord: record), owners.contains(owner) else { continue }
                let text: String = row["value"]
                if let reference = AttachmentReference(try Self.decodeValue(text)), reference.sha256 == hash { return reference }
            }
            return nil
        }
    }

    /// Whether `office` has uploaded (or is taken to own) the attachment `hash`.
    public func ownsAttachment(_ hash: String, office: String) async throws -> Bool {
        try await writer.read { db in
            try Row.fetchOne(db, cached: "SELECT 1 FROM blob_owners WHERE sha256 = ? AND office = ?", arguments: [hash, office]) != nil
        }
    }

    /// Records that `office` uploaded all `size` bytes of `hash`.
    public func addAttachmentOwner(_ hash: String, office: String, size: Int) async throws {
        try await writer.write { db in
            try db.execute(
                cached: "INSERT OR IGNORE INTO blob_owners (sha256, office, size) VALUES (?, ?, ?)", arguments: [hash, office, size])
        }
    }

    /// The bytes of attachments `office` has uploaded (its quota's use).
    public func attachmentUsage(office: String) async throws -> Int64 {
        try await writer.read { db in
            try Int64.fetchOne(db, cached: "SELECT IFNULL(SUM(size), 0) FROM blob_owners WHERE office = ?", arguments: [office]) ?? 0
        }
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
