import CompressNIO
import NIOCore

/// gzip for request and response bodies (Content-Encoding: gzip), with a cap on the decompressed size so a
/// small hostile body cannot expand into gigabytes.
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        var compressed = try buffer.compress(with: .gzip())
        return compressed.readBytes(length: compressed.readableBytes) ?? []
    }

    public static func decompress(_ bytes: [UInt8], maximumBytes: Int = SyncProtocol.maximumBodyBytes) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        // Ask for one byte more than allowed: reaching it means the body is too large (the library stops there).
        var plain = try buffer.decompress(with: .gzip(), maxSize: maximumBytes + 1)
        guard plain.readableBytes <= maximumBytes else { throw GzipTooLarge() }
        return plain.readBytes(length: plain.readableBytes) ?? []
    }

    struct GzipTooLarge: Error {}
}
