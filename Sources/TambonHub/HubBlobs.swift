import Crypto
import Foundation
import HTTPTypes
import Logging
import Synchronization
import TambonCore
import TambonProtocol
import TambonStore

/// The hub's side of attachment transfer (SPEC §13): which files it holds, chunks in, chunks out — each only for
/// files that a record in the asking node's office scope refers to.
final class HubBlobs: Sendable {
    let store: any HubLog
    let logger: Logger
    let limits: HubLimits
    /// When partial uploads were last swept for expiry (at most once an hour, when an upload starts).
    let lastSweep: Mutex<ContinuousClock.Instant?>

    init(store: any HubLog, logger: Logger, limits: HubLimits) {
        self.store = store
        self.logger = logger
        self.limits = limits
        lastSweep = Mutex(nil)
    }

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
            // Whole for this office only once the office has uploaded it (the hub may hold it from another office).
            if try await store.ownsAttachment(hash, office: peer.office), let size = store.attachments.size(of: hash) {
                answers.append(["sha256": .string(hash), "received": .number(Double(size)), "complete": true])
            } else {
                let received = store.attachments.partialSize(of: hash, uploader: peer.id)
                answers.append(["sha256": .string(hash), "received": .number(Double(received)), "complete": false])
            }
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
        guard size <= HubLimits.maximumFileBytes else {
            throw TambonError(
                .tooLarge, "file_too_large", "attachment \(hash.prefix(12))… is \(size) bytes; at most \(HubLimits.maximumFileBytes) are accepted")
        }
        if try await store.ownsAttachment(hash, office: peer.office), store.attachments.has(hash) { return size }
        let used = try await store.attachmentUsage(office: peer.office)
        guard used + Int64(size) <= limits.officeQuotaBytes else {
            logger.notice("attachment quota reached", metadata: ["office": "\(peer.office)", "used": "\(used)"])
            throw TambonError(
                .tooLarge, "quota_exceeded",
                "office \(peer.office) has used \(used) of its \(limits.officeQuotaBytes) bytes of attachment storage at the hub",
                hint: "ask the hub's operator to raise the office's quota (tambon hub serve --office-quota-gib)")
        }
        if offset == 0 { sweepIfDue() }
        do {
            let held = try store.attachments.append(hash, size: size, offset: offset, chunk: chunk, chunkHash: chunkHash, uploader: peer.id)
            if held == size {
                try await store.addAttachmentOwner(hash, office: peer.office, size: size)
                logger.info("attachment complete", metadata: ["node": "\(peer.id.short)", "bytes": "\(size)"])
            }
            return held
        } catch let error as StoreError {
            throw TambonError(.unprocessable, "bad_chunk", error.message)
        }
    }

    func get(_ members: [String: JSONValue], peer: Peer) async throws -> ([UInt8], String) {
        // The offset is range-checked as an integer, never converted from any double (1e300 would trap).
        guard let hash = members["sha256"]?.stringValue, AttachmentStore.isValidHash(hash),
            let offset = members["offset"]?.integerValue, offset >= 0, offset <= Int64(HubLimits.maximumFileBytes)
        else { throw TambonError(.invalid, "malformed_message", "give \"sha256\" and \"offset\" (a whole number of bytes)") }
        // Only through a record in the office's scope owned by an office that uploaded the file: knowing its hash, or
        // writing a record that names it, is not enough (SPEC §14). The answer is the same as for a hash never seen.
        guard try await store.attachmentReference(hash, office: peer.office) != nil,
            try await AssignedWork(store: store).phone(peer, mayRead: hash)
        else {
            throw TambonError(.forbidden, "not_referenced", "no record of office \(peer.office) refers to attachment \(hash.prefix(12))…")
        }
        // Until the owner of a record that refers to it has uploaded it, the file is "not here yet" for this office,
        // whether or not another office uploaded the same bytes.
        guard try await store.readableAttachment(hash, office: peer.office) != nil, store.attachments.has(hash) else {
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

    /// Removes partial uploads abandoned for longer than the limits allow, at most once an hour.
    private func sweepIfDue() {
        let now = ContinuousClock.now
        let due = lastSweep.withLock { last -> Bool in
            guard last.map({ now - $0 > .seconds(3_600) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let lifetime = Double(limits.partialLifetime.components.seconds)
        let removed = store.attachments.expirePartials(notWrittenSince: Date(timeIntervalSinceNow: -lifetime))
        if removed > 0 { logger.info("expired partial uploads", metadata: ["files": "\(removed)"]) }
    }
}
