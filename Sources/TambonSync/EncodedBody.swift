import TambonCore
import TambonProtocol

/// A JSON body as it goes on the wire: gzip-compressed when it is large enough to gain from it.
public struct EncodedBody: Sendable {
    public let bytes: [UInt8]
    /// The `Content-Encoding` (nil: sent as is).
    public let encoding: String?

    public static func encode(_ body: JSONValue) throws -> EncodedBody {
        try encode(bytes: SyncMessage.encode(body))
    }

    /// A JSON body already written out (``TambonProtocol/ChangeBatchWriter``).
    public static func encode(bytes: [UInt8]) throws -> EncodedBody {
        guard bytes.count > 512 else { return EncodedBody(bytes: bytes, encoding: nil) }
        return EncodedBody(bytes: try Gzip.compress(bytes), encoding: "gzip")
    }
}
