import GRDB
import TambonCore

extension Store {
    /// Files referenced by records whose scope holds `office` (by every record when nil), each once.
    public func attachmentReferences(office: String? = nil) async throws -> [AttachmentReference] {
        try await writer.read { db in
            let needle = office.map { "%\"" + $0 + "\"%" } ?? "%"
            let values = try String.fetchAll(db, cached: """
                SELECT e.value FROM set_elements e JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = ? AND r.scope LIKE ?
                """, arguments: [AttachmentReference.field, needle])
            var seen = Set<String>()
            return try values.compactMap { text -> AttachmentReference? in
                guard let reference = AttachmentReference(try Self.decodeValue(text)), seen.insert(reference.sha256).inserted else { return nil }
                return reference
            }
        }
    }

    /// The reference to `hash` from a record whose scope holds `office` (any record when nil), if there is one:
    /// a node may send or fetch only files its office's records refer to.
    public func attachmentReference(_ hash: String, office: String? = nil) async throws -> AttachmentReference? {
        guard AttachmentStore.isValidHash(hash) else { return nil }
        return try await writer.read { db in
            let needle = office.map { "%\"" + $0 + "\"%" } ?? "%"
            let values = try String.fetchAll(db, cached: """
                SELECT e.value FROM set_elements e JOIN records r ON r.collection = e.collection AND r.record_id = e.record_id
                WHERE e.field = ? AND r.scope LIKE ? AND instr(e.value, ?) > 0
                """, arguments: [AttachmentReference.field, needle, hash])
            return try values.lazy.compactMap { AttachmentReference(try Self.decodeValue($0)) }.first { $0.sha256 == hash }
        }
    }
}
