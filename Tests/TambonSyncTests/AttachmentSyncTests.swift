import Crypto
import Foundation
import NIOCore
import TambonCore
import TambonProtocol
import TambonStore
import TambonSync
import TambonSyncTestSupport
import TambonTestSupport
import Testing

/// Attachment files follow the records that refer to them, in checked chunks that resume after a cut, and only
/// to nodes whose office the record belongs to.
@Suite(.serialized) struct AttachmentSyncTests {
    static func randomPDF(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return Array("%PDF-1.7\n".utf8) + (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func attach(_ bytes: [UInt8], to node: TestNode, record: String) async throws -> String {
        let hash = try node.store.attachments.put(bytes)
        try await node.store.write(
            collection: "applications", record: record,
            add: [
                SetElement(
                    field: AttachmentReference.field, id: hash,
                    value: ["sha256": .string(hash), "size": .number(Double(bytes.count)), "type": "application/pdf"])
            ])
        return hash
    }

    @Test func filesReachTheHubAndTheOfficesOtherNodesButNoOtherOffice() async throws {
        try await withHub { hub in
            let office = try await hub.node(office: "6500101")
            let survey = try await hub.node(office: "6500101", role: .survey)
            let other = try await hub.node(office: "6500102")
            let plan = Self.randomPDF(2_300_000)
            let hash = try await Self.attach(plan, to: office, record: "6500101.APP23456")

            let sent = try await office.sync()
            #expect(sent.filesSent == 1)
            #expect(try hub.store.attachments.contents(of: hash) == plan)
            let received = try await survey.sync()
            #expect(received.filesReceived == 1)
            #expect(try survey.store.attachments.contents(of: hash) == plan)
            #expect(try await office.sync().filesSent == 0, "a file the hub holds is not sent again")
            #expect(try await office.store.attachmentsAtHub() == [hash], "and later rounds do not even ask about it")

            // Office B: never gets the record, and the hub refuses the file even when asked by hash.
            try await other.sync()
            #expect(!other.store.attachments.has(hash))
            await #expect {
                try await other.client.post(
                    SyncProtocol.Path.blobsGet, body: ["protocol": 2, "sha256": .string(hash), "offset": 0],
                    signer: other.signer, deadline: .seconds(10))
            } throws: { ($0 as? TambonError)?.kind.httpStatus == 403 }
            // Nor may a node upload a file no record of its office refers to.
            let stray = Self.randomPDF(100)
            let strayHash = Hex.encode(Array(SHA256.hash(data: stray)))
            await #expect {
                try await other.client.post(
                    SyncProtocol.Path.blobsPut + "/\(strayHash)/\(stray.count)/0", bytes: stray, contentType: "application/octet-stream",
                    headers: [(SyncProtocol.Header.chunkHash, strayHash)], signer: other.signer,
                    deadline: .seconds(10))
            } throws: { ($0 as? TambonError)?.kind.httpStatus == 403 }
            #expect(!hub.store.attachments.has(strayHash))
        }
    }

    @Test func aFileWaitsAtTheReaderUntilItsWriterHasSentIt() async throws {
        try await withHub { hub in
            let office = try await hub.node(office: "6500101")
            let survey = try await hub.node(office: "6500101", role: .survey)
            let photo = Self.randomPDF(5000)
            let hash = try await Self.attach(photo, to: survey, record: "6500101.APP34567")
            // The record reaches the hub but the file not yet (the survey node's round is cut short after the changes).
            try await SyncEngine(store: survey.store, transport: survey.client, logger: quietLogger).pushOnly()
            let early = try await office.sync()
            #expect(early.filesWaiting == 1 && !office.store.attachments.has(hash), "the office shows the record, not half a file")
            try await survey.sync()
            #expect(try await office.sync().filesReceived == 1)
            #expect(try office.store.attachments.contents(of: hash) == photo)
        }
    }

    @Test func transfersResumeThroughConnectionsCutAtRandom() async throws {
        try await withHub { hub in
            let hubPort = Int(hub.url.split(separator: ":").last!)!
            let proxy = try FaultyProxy(upstreamPort: hubPort, faults: .init(cutAfterBytes: 200_000...900_000))
            defer { proxy.stop() }
            let office = try await hub.node(office: "6500101")
            let survey = try await hub.node(office: "6500101", role: .survey)
            let plans = [Self.randomPDF(3_200_000), Self.randomPDF(1_500_000)]
            var hashes: [String] = []
            for (index, plan) in plans.enumerated() { hashes.append(try await Self.attach(plan, to: office, record: "6500101.APP4567\(index + 2)")) }

            func syncThroughProxy(_ node: TestNode) async throws -> Int {
                let proxied = try HubClient(
                    url: "https://127.0.0.1:\(proxy.port)", caPEM: hub.caPEM, connectTimeout: .seconds(2), readTimeout: .seconds(5))
                return try await withHubClient(proxied) { client in
                    for attempt in 1...200 {
                        if (try? await SyncEngine(store: node.store, transport: client, logger: quietLogger).round(deadline: .seconds(20))) != nil {
                            return attempt
                        }
                    }
                    throw TambonError(.unavailable, "test", "never completed")
                }
            }
            let up = try await syncThroughProxy(office)
            let down = try await syncThroughProxy(survey)
            #expect(proxy.cuts > 0 && up + down > 2, "the link was cut and the transfers resumed")
            for (plan, hash) in zip(plans, hashes) {
                #expect(try hub.store.attachments.contents(of: hash) == plan)
                #expect(try survey.store.attachments.contents(of: hash) == plan)
            }
        }
    }
}
