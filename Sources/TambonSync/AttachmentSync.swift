import Crypto
import Logging
import NIOCore
import TambonCore
import TambonProtocol
import TambonStore

/// Moves attachment files between a node and its hub after the changes that refer to them (SPEC §14): files the
/// hub lacks go up, files this node lacks come down, each in checked chunks of at most 1 MiB that resume from what
/// the other side already holds.
struct AttachmentSync {
    let store: Store
    let transport: any HubTransport
    let signer: RequestSigner
    let deadline: TimeAmount
    let logger: Logger

    /// Uploads every referenced file this node holds whole and the hub does not. Files the hub has confirmed whole
    /// are remembered, so a round asks only about new ones.
    func push(_ references: [AttachmentReference], report: inout SyncReport) async throws {
        let atHub = try await store.attachmentsAtHub()
        let local = references.filter { !atHub.contains($0.sha256) && store.attachments.has($0.sha256) }
        for start in stride(from: 0, to: local.count, by: SyncProtocol.maximumBlobQueries) {
            let batch = Array(local[start..<min(local.count, start + SyncProtocol.maximumBlobQueries)])
            let response = try await transport.post(
                SyncProtocol.Path.blobsHave,
                body: [
                    "protocol": .number(Double(SyncProtocol.version)),
                    "blobs": .array(batch.map { ["sha256": .string($0.sha256), "size": .number(Double($0.size))] }),
                ],
                signer: signer, deadline: deadline)
            report.record(response)
            var held: [String: Int] = [:]
            for item in response.members["blobs"]?.arrayValue ?? [] where item.objectValue?["refused"] == nil {
                if let hash = item.objectValue?["sha256"]?.stringValue, let received = item.objectValue?["received"]?.numberValue {
                    held[hash] = Int(received)
                }
            }
            var whole: [String] = []
            for reference in batch {
                guard let received = held[reference.sha256] else { continue }
                if received < reference.size { try await upload(reference, from: received, report: &report) }
                whole.append(reference.sha256)
            }
            try await store.noteAttachmentsAtHub(whole)
        }
    }

    private func upload(_ reference: AttachmentReference, from start: Int, report: inout SyncReport) async throws {
        var offset = start
        while offset < reference.size {
            let chunk = try store.attachments.read(reference.sha256, offset: offset, length: max(16 * 1024, transport.sizing.chunk.size))
            guard !chunk.isEmpty else { break }
            let response = try await transport.sizing.chunk.adapting {
                try await transport.post(
                    SyncProtocol.Path.blobsPut + "/\(reference.sha256)/\(reference.size)/\(offset)", bytes: chunk,
                    contentType: "application/octet-stream", headers: [(SyncProtocol.Header.chunkHash, Hex.encode(Array(SHA256.hash(data: chunk))))],
                    signer: signer, deadline: deadline)
            }
            report.record(response)
            offset =
                response.members["received"] == nil
                ? offset + chunk.count : Int(try SyncMessage.integer(response.members, "received"))
        }
        report.filesSent += 1
        logger.debug("attachment sent", metadata: ["sha256": "\(reference.sha256.prefix(12))", "bytes": "\(reference.size)"])
    }

    /// Downloads every referenced file this node lacks; files the hub does not hold whole yet wait for a later round.
    func pull(_ references: [AttachmentReference], report: inout SyncReport) async throws {
        let missing = references.filter { !store.attachments.has($0.sha256) }
        for reference in missing {
            var offset = store.attachments.partialSize(of: reference.sha256)
            do {
                while offset < reference.size {
                    let length = max(16 * 1024, transport.sizing.chunk.size)
                    let response = try await transport.sizing.chunk.adapting {
                        try await transport.post(
                            SyncProtocol.Path.blobsGet,
                            body: [
                                "protocol": .number(Double(SyncProtocol.version)), "sha256": .string(reference.sha256),
                                "offset": .number(Double(offset)), "length": .number(Double(length)),
                            ],
                            signer: signer, deadline: deadline)
                    }
                    report.record(response)
                    guard !response.body.isEmpty else {
                        throw TambonError(.badResponse, "malformed_message", "the hub sent an empty chunk of \(reference.sha256.prefix(12))…")
                    }
                    offset = try store.attachments.append(
                        reference.sha256, size: reference.size, offset: offset, chunk: response.body, chunkHash: response.chunkHash ?? "")
                }
                report.filesReceived += 1
            } catch let failure as TambonError where failure.code == "not_here_yet" {
                report.filesWaiting += 1
            }
        }
    }
}
