import Crypto
import HTTPTypes
import Logging
import TambonCore
import TambonProtocol
import TambonStore

/// The hub's side of attachment transfer (SPEC §13): which files it holds, chunks in, chunks out — each only for
/// files that a record in the asking node's office scope refers to.
struct HubBlobs: Sendable {
    let store: Store
    let logger: Logger

    func have(_ members: [String: JSONValue], peer: Peer) async throws -> JSONValue {
        guard case .array(let items)? = members["blobs"], items.count <= SyncProtocol.maximumBlobQueries else {
            throw TambonError(
                .invalid, "malformed_message", "\"blobs\" must be an array of at most \(SyncProtocol.maximumBlobQueries) {sha256, size}")
        }
        var answers: [JSONValue] = []
        for item in items {
            guard let hash = item.objectValue?["sha256"]?.stringValue, AttachmentStore.isValidHash(hash) else {
                throw TambonError(.invalid, "malformed_message", "each blob needs \"sha256\" (64 lower-case hex digits)")
            }
            guard try await store.attachmentReference(hash, office: peer.office) != nil else {
                answers.append(["sha256": .string(hash), "received": 0, "refused": "not_referenced"])
                continue
            }
            let received = store.attachments.size(of: hash) ?? store.attachments.partialSize(of: hash)
            answers.append(["sha256": .string(hash), "received": .number(Double(received)), "complete": .bool(store.attachments.has(hash))])
        }
        return ["blobs": .array(answers)]
    }

    func put(hash: String, size: Int, offset: Int, chunk: [UInt8], chunkHash: String, peer: Peer) async throws -> Int {
        guard let reference = try await store.attachmentReference(hash, office: peer.office) else {
            logger.notice("refused attachment", metadata: ["node": "\(peer.id.short)", "office": "\(peer.office)", "reason": "not_referenced"])
            throw TambonError(
                .forbidden, "not_referenced", "no record of office \(peer.office) refers to attachment \(hash.prefix(12))…: push the record first")
        }
        guard reference.size == size else {
            throw TambonError(.invalid, "size_mismatch", "attachment \(hash.prefix(12))… is \(reference.size) bytes by its record, not \(size)")
        }
        do {
            let held = try store.attachments.append(hash, size: size, offset: offset, chunk: chunk, chunkHash: chunkHash)
            if held == size { logger.info("attachment complete", metadata: ["node": "\(peer.id.short)", "bytes": "\(size)"]) }
            return held
        } catch let error as StoreError {
            throw TambonError(.unprocessable, "bad_chunk", error.message)
        }
    }

    func get(_ members: [String: JSONValue], peer: Peer) async throws -> ([UInt8], String) {
        guard let hash = members["sha256"]?.stringValue, AttachmentStore.isValidHash(hash),
            let offset = members["offset"]?.numberValue, offset >= 0, offset == offset.rounded()
        else { throw TambonError(.invalid, "malformed_message", "give \"sha256\" and \"offset\"") }
        guard try await store.attachmentReference(hash, office: peer.office) != nil else {
            throw TambonError(.forbidden, "not_referenced", "no record of office \(peer.office) refers to attachment \(hash.prefix(12))…")
        }
        guard store.attachments.has(hash) else {
            throw TambonError(.notFound, "not_here_yet", "the hub does not hold attachment \(hash.prefix(12))… whole yet")
        }
        // A chunk is at most the store's largest; a length that is not a whole number is refused, never converted.
        var length = AttachmentStore.maximumChunk
        if let requested = members["length"] {
            guard let value = requested.integerValue, value > 0 else {
                throw TambonError(.invalid, "malformed_message", "\"length\" must be a positive integer")
            }
            length = Int(min(value, Int64(AttachmentStore.maximumChunk)))
        }
        let chunk = try store.attachments.read(hash, offset: Int(offset), length: length)
        return (chunk, Hex.encode(Array(SHA256.hash(data: chunk))))
    }
}
