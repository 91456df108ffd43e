import Crypto
import Foundation
import NIOCore
import TambonCore
import TambonHub
import TambonProtocol
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTestSupport
import Testing

/// The hub's limits on attachments (SPEC §14, issue 13): a file is read only through a record of an office that
/// uploaded it, partial uploads are each node's own, the per-file limit holds against the bytes received, and each
/// office has a quota.
@Suite(.serialized) struct HubAttachmentLimitTests {
    typealias Sync = AttachmentSyncTests

    static func put(_ bytes: [UInt8], hash: String, size: Int, offset: Int = 0, as node: TestNode) async throws -> HubResponse {
        try await node.client.post(
            SyncProtocol.Path.blobsPut + "/\(hash)/\(size)/\(offset)", bytes: bytes, contentType: "application/octet-stream",
            headers: [(SyncProtocol.Header.chunkHash, Hex.encode(Array(SHA256.hash(data: bytes))))], signer: node.signer,
            deadline: .seconds(10))
    }

    static func get(_ hash: String, as node: TestNode, offset: JSONValue = 0) async throws -> HubResponse {
        try await node.client.post(
            SyncProtocol.Path.blobsGet, body: ["protocol": 2, "sha256": .string(hash), "offset": offset], signer: node.signer,
            deadline: .seconds(10))
    }

    @Test func knowingAHashOrNamingItInARecordReadsNothing() async throws {
        try await withHub { hub in
            let owner = try await hub.node(office: "6500101")
            let thief = try await hub.node(office: "6500102")
            let plan = Sync.randomPDF(50_000)
            let hash = try await Sync.attach(plan, to: owner, record: "6500101.APP11111")
            #expect(try await owner.sync().filesSent == 1)
            // The thief writes a record of its own naming the hash and the size, as if it had the file.
            try await thief.store.write(
                collection: "applications", record: "6500102.APP22222",
                add: [
                    SetElement(
                        field: AttachmentReference.field, id: hash,
                        value: ["sha256": .string(hash), "size": .number(Double(plan.count)), "type": "application/pdf"])
                ])
            let round = try await thief.sync()
            #expect(round.filesReceived == 0 && !thief.store.attachments.has(hash))
            // Asked directly: "not here yet", exactly as for a file nobody uploaded; no byte of it.
            await #expect { try await Self.get(hash, as: thief) } throws: { ($0 as? TambonError)?.code.rawValue == "not_here_yet" }
            // Its have-query does not say the hub holds it either.
            let have = try await thief.client.post(
                SyncProtocol.Path.blobsHave, body: ["protocol": 2, "blobs": [["sha256": .string(hash), "size": .number(Double(plan.count))]]],
                signer: thief.signer, deadline: .seconds(10))
            #expect(have.members["blobs"]?.arrayValue?.first?.objectValue?["complete"] == false)
            // An office that really holds the same bytes proves it by uploading them, and then reads them.
            let honest = try await hub.node(office: "6500103")
            _ = try await Sync.attach(plan, to: honest, record: "6500103.APP33333")
            #expect(try await honest.sync().filesSent == 1)
            #expect(try await Self.get(hash, as: honest).body.count == plan.count)
        }
    }

    @Test func partialsAreEachUploadersOwnAndTheFileLimitsHold() async throws {
        try await withHub(limits: HubLimits(officeQuotaBytes: 120_000)) { hub in
            let a = try await hub.node(office: "6500101")
            let b = try await hub.node(office: "6500102")
            let plan = Sync.randomPDF(60_000)
            let hash = Hex.encode(Array(SHA256.hash(data: plan)))
            // B names the file and seeds garbage as its first chunk.
            try await b.store.write(
                collection: "applications", record: "6500102.APP44444",
                add: [SetElement(field: AttachmentReference.field, id: hash, value: ["sha256": .string(hash), "size": .number(Double(plan.count))])])
            try await b.sync()
            let garbage = Array(repeating: UInt8(0x41), count: 30_000)
            #expect(try await Self.put(garbage, hash: hash, size: plan.count, as: b).members["received"] == 30_000)
            // A's upload of the real file is not affected: it completes, checked.
            _ = try await Sync.attach(plan, to: a, record: "6500101.APP55555")
            #expect(try await a.sync().filesSent == 1)
            #expect(try hub.store.attachments.contents(of: hash) == plan)
            #expect(try await !hub.store.ownsAttachment(hash, office: "6500102"))
            #expect(try await hub.store.ownsAttachment(hash, office: "6500101"))
            // B's garbage completes to a file whose hash does not match: refused, and nothing of A's is touched.
            await #expect {
                try await Self.put(Array(repeating: 0x42, count: plan.count - 30_000), hash: hash, size: plan.count, offset: 30_000, as: b)
            } throws: { ($0 as? TambonError)?.code.rawValue == "bad_chunk" }
            #expect(try hub.store.attachments.contents(of: hash) == plan)

            // A file larger than the per-file limit is refused at its first chunk, whatever its record says.
            let huge = String(repeating: "c", count: 64)
            try await a.store.write(
                collection: "applications", record: "6500101.APP66666",
                add: [SetElement(field: AttachmentReference.field, id: huge, value: ["sha256": .string(huge), "size": .number(Double(30 << 20))])])
            try await a.sync()
            await #expect { try await Self.put([1, 2, 3], hash: huge, size: 30 << 20, as: a) } throws: {
                ($0 as? TambonError)?.code.rawValue == "file_too_large" && ($0 as? TambonError)?.kind == .tooLarge
            }
            // The quota (120,000 bytes here): A has used 60,000; a second file of 70,000 does not fit.
            let second = Sync.randomPDF(70_000)
            let secondHash = try await Sync.attach(second, to: a, record: "6500101.APP77777")
            await #expect { try await a.sync() } throws: { ($0 as? TambonError)?.code.rawValue == "quota_exceeded" }
            #expect(!hub.store.attachments.has(secondHash))
            // An offset far past the size (the sync fuzzer's Int.max): refused, and the hub lives on.
            await #expect { try await Self.put([1, 2, 3], hash: hash, size: plan.count, offset: Int.max - 1, as: b) } throws: {
                ($0 as? TambonError)?.kind.httpStatus == 422
            }
            // A size or offset in the path that is no number: 400, not the hub's failure.
            for path in ["/\(hash)/x/0", "/\(hash)/1/x", "/\(hash)/99999999999999999999999/0"] {
                await #expect {
                    try await a.client.post(
                        SyncProtocol.Path.blobsPut + path, bytes: [1], contentType: "application/octet-stream",
                        headers: [(SyncProtocol.Header.chunkHash, Hex.encode(Array(SHA256.hash(data: [1]))))], signer: a.signer,
                        deadline: .seconds(10))
                } throws: { ($0 as? TambonError)?.kind.httpStatus == 400 }
            }
            // Wild offsets and lengths are refused as malformed, never converted.
            for offset: JSONValue in [.number(1e300), .number(-1), .number(0.5), .number(9_223_372_036_854_775_808)] {
                await #expect { try await Self.get(hash, as: a, offset: offset) } throws: { ($0 as? TambonError)?.kind == .invalid }
            }
        }
    }

    /// `Tambon-Time` is not signed: any value may come (the sync fuzzer's -2^63 + 1 trapped the hub's skew arithmetic).
    @Test func anyTimeHeaderIsSurvived() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            let store = node.store
            for time: Int64 in [Int64.min + 1, Int64.max, -1, 0] {
                let signer = RequestSigner(
                    node: node.signer.node, hub: node.signer.hub, nextNonce: { try await store.nextCounterValue(Store.CursorName.requestNonce) },
                    advanceNonce: { try await store.advanceCounter(Store.CursorName.requestNonce, to: $0) }, sign: { try await store.sign($0) },
                    wallClock: { time })
                let answer = try await node.client.post(
                    SyncProtocol.Path.pull, body: ["protocol": 2, "after": 0, "limit": 1], signer: signer, deadline: .seconds(10))
                #expect(answer.members["cursor"] != nil, "time \(time): answered")
            }
        }
    }

    @Test func abandonedPartialsExpire() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = AttachmentStore(root: directory)
        let bytes = Array(repeating: UInt8(7), count: 10)
        let uploader = try NodeIdentity(seed: Array(repeating: 9, count: 32)).id
        let hash = String(repeating: "d", count: 64)
        #expect(
            try store.append(hash, size: 20, offset: 0, chunk: bytes, chunkHash: Hex.encode(Array(SHA256.hash(data: bytes))), uploader: uploader)
                == 10)
        #expect(store.partialSize(of: hash, uploader: uploader) == 10 && store.partialSize(of: hash) == 0, "the uploader's own partial")
        #expect(store.expirePartials(notWrittenSince: Date(timeIntervalSinceNow: -3600)) == 0, "written just now: kept")
        #expect(store.expirePartials(notWrittenSince: Date(timeIntervalSinceNow: 60)) == 1)
        #expect(store.partialSize(of: hash, uploader: uploader) == 0)
    }
}
