import Crypto
import TambonCore

/// Signed change batches on a USB stick (`tambon node export` → `tambon hub import`).
///
/// The file is one JSON object: `{"format": "tambon-export", "protocol": 2, "node": ID, "office": CODE,
/// "created_ms": …, "changes": [...], "signature": HEX}`, where the signature is the node's Ed25519 signature over
/// the SHA-256 of the canonical JSON of every other member. Each change is also signed on its own, so the hub
/// applies exactly the checks of a push.
public enum ExportFile {
    public static let format = "tambon-export"

    /// The file's bytes: `changes` of `node`, with the node's signature made by `sign` over the digest.
    public static func encode(
        node: NodeID, office: String, createdMillis: Int64, changes: [Change], sign: ([UInt8]) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        var members: [String: JSONValue] = [
            "format": .string(format), "protocol": .number(Double(SyncProtocol.version)), "node": .string(node.hex),
            "office": .string(office), "created_ms": .number(Double(createdMillis)),
            "changes": .array(changes.map { ChangeCodec.value(of: $0) }),
        ]
        let digest = Array(SHA256.hash(data: CanonicalJSON.encode(.object(members))))
        members["signature"] = .string(Hex.encode(try await sign(digest)))
        return CanonicalJSON.encode(.object(members))
    }

    /// Reads and checks a file: format, protocol, and the node's signature over it.
    public static func read(_ bytes: [UInt8]) throws -> (node: NodeID, changes: [Change]) {
        var members = try SyncMessage.object(bytes)
        guard members["format"]?.stringValue == format else {
            throw TambonError(.invalid, "not_an_export", "this is not a Tambon export file")
        }
        guard members["protocol"]?.numberValue == Double(SyncProtocol.version) else {
            throw TambonError(
                .upgradeRequired, "unsupported_protocol",
                "the file was written with protocol \(members["protocol"]?.numberValue.map(JSONValue.plainText) ?? "?"); this hub speaks \(SyncProtocol.version)"
            )
        }
        guard let node = members["node"]?.stringValue.flatMap(NodeID.init(hex:)),
            let signature = members.removeValue(forKey: "signature")?.stringValue.flatMap(Hex.decode)
        else { throw TambonError(.invalid, "malformed_export", "the file names no node or carries no signature") }
        let digest = Array(SHA256.hash(data: CanonicalJSON.encode(.object(members))))
        guard SignatureVerifier.isValid(signature: signature, message: digest, publicKey: node.bytes) else {
            throw TambonError(.unprocessable, "bad_file_signature", "the file is not signed by node \(node.short)… (altered or damaged)")
        }
        return (node, try SyncMessage.changes(members))
    }
}
