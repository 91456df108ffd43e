import Foundation
import TambonCore
import TambonProtocol
import TambonSync
import Testing

@Suite struct RequestSigningTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sync-protocol/test-vectors/requests.json")

    @Test func signingMessagesAndSignaturesMatchTheIndependentImplementation() throws {
        let vectors = try JSONValue(parsing: Array(try Data(contentsOf: Self.vectors))).objectValue ?? [:]
        let identity = try NodeIdentity(seed: try need(Hex.decode(try need(vectors["node_seed"]?.stringValue))))
        #expect(identity.id.hex == vectors["node_id"]?.stringValue)
        let hub = try need(NodeID(hex: try need(vectors["hub_id"]?.stringValue)))
        let requests = try need(vectors["requests"]?.arrayValue)
        #expect(requests.count == 2)
        for request in requests {
            let fields = try need(request.objectValue)
            let body = Array(try need(fields["body"]?.stringValue).utf8)
            let message = SyncProtocol.signingMessage(
                method: try need(fields["method"]?.stringValue), path: try need(fields["path"]?.stringValue), hub: hub,
                nonce: Int64(try need(fields["nonce"]?.numberValue)), body: body)
            #expect(String(decoding: message, as: UTF8.self) == fields["signing_message"]?.stringValue)
            #expect(Hex.encode(identity.sign(message)) == fields["signature"]?.stringValue)
            let signature = try need(Hex.decode(try need(fields["signature"]?.stringValue)))
            #expect(SignatureVerifier.isValid(signature: signature, message: message, publicKey: identity.id.bytes))
            // Any other hub, nonce or body gives another message: a signed request cannot be replayed elsewhere.
            let elsewhere = SyncProtocol.signingMessage(method: "POST", path: "/v1/pull", hub: identity.id, nonce: 7, body: body)
            #expect(!SignatureVerifier.isValid(signature: signature, message: elsewhere, publicKey: identity.id.bytes))
        }
    }
}

struct Missing: Error {}

func need<T>(_ value: T?) throws -> T {
    guard let value else { throw Missing() }
    return value
}
