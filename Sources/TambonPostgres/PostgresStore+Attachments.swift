import PostgresNIO
import TambonCore
import TambonStore

extension PostgresStore {
    /// The reference to `hash` from a record whose scope holds `office` (any record when nil), outside the
    /// collections in `excluding` (``TambonStore/Store/attachmentReference(_:office:excluding:)``).
    public func attachmentReference(_ hash: String, office: String? = nil, excluding: Set<String> = []) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        let needle = office.map { "\"" + $0 + "\"" } ?? ""
        return try await database { connection in
            for try await (collection, value) in try await connection.query(
                """
                SELECT e.collection, e.value FROM set_elements e
                  JOIN records r ON r.office = e.office AND r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = \(AttachmentReference.field) AND (\(needle) = '' OR strpos(r.scope, \(needle)) > 0) AND strpos(e.value, \(hash)) > 0
                """, logger: logger
            ).decode((String, String).self) where !excluding.contains(collection) {
                if let reference = AttachmentReference(try Self.decodeValue(value)), reference.sha256 == hash { return reference }
            }
            return nil
        }
    }

    /// The reference through which `office` may read `hash` at the hub: from a record in its scope whose owner
    /// office uploaded the file (SPEC §14).
    public func readableAttachment(_ hash: String, office: String) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        return try await database { connection in
            var owners: Set<String> = []
            for try await owner in try await connection.query("SELECT office FROM blob_owners WHERE sha256 = \(hash)", logger: logger).decode(
                String.self)
            {
                owners.insert(owner)
            }
            guard !owners.isEmpty else { return nil }
            for try await (record, value) in try await connection.query(
                """
                SELECT e.record_id, e.value FROM set_elements e
                  JOIN records r ON r.office = e.office AND r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = \(AttachmentReference.field) AND strpos(r.scope, \("\"" + office + "\"")) > 0 AND strpos(e.value, \(hash)) > 0
                """, logger: logger
            ).decode((String, String).self) {
                guard let owner = Authority.owner(ofRecord: record), owners.contains(owner) else { continue }
                if let reference = AttachmentReference(try Self.decodeValue(value)), reference.sha256 == hash { return reference }
            }
            return nil
        }
    }

    /// Whether `office` uploaded the attachment `hash` whole.
    public func ownsAttachment(_ hash: String, office: String) async throws -> Bool {
        try await database { connection in
            try await connection.query("SELECT 1 FROM blob_owners WHERE office = \(office) AND sha256 = \(hash)", logger: logger).collect().count > 0
        }
    }

    /// Records that `office` uploaded all `size` bytes of `hash`.
    public func addAttachmentOwner(_ hash: String, office: String, size: Int) async throws {
        try await database { connection in
            try await connection.query(
                "INSERT INTO blob_owners (office, sha256, size) VALUES (\(office), \(hash), \(Int64(size))) ON CONFLICT DO NOTHING", logger: logger)
        }
    }

    /// The bytes of attachments `office` has uploaded (its quota's use).
    public func attachmentUsage(office: String) async throws -> Int64 {
        try await database { connection in
            for try await used in try await connection.query(
                "SELECT coalesce(sum(size), 0)::bigint FROM blob_owners WHERE office = \(office)", logger: logger
            ).decode(Int64.self) {
                return used
            }
            return 0
        }
    }
}
