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

    /// Decompresses a gzip stream as its pieces arrive (the hub reads a push while it is still being received).
    public final class Inflater {
        private let decompressor = CompressionAlgorithm.gzip().decompressor
        private let maximumBytes: Int
        /// Everything decompressed so far.
        public private(set) var output: [UInt8] = []

        public init(maximumBytes: Int = SyncProtocol.maximumBodyBytes) throws {
            self.maximumBytes = maximumBytes
            try decompressor.startStream()
        }

        deinit { try? decompressor.finishStream() }

        /// Decompresses `piece`, appending to ``output``. Throws on corrupt data or beyond `maximumBytes`.
        public func feed(_ piece: ByteBuffer) throws {
            var input = piece
            while input.readableBytes > 0 {
                var chunk = ByteBufferAllocator().buffer(capacity: 64 * 1024)
                let before = input.readableBytes
                do {
                    try decompressor.streamInflate(from: &input, to: &chunk)
                } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                    // The output piece is full (go round again) or the input is used up (wait for more).
                }
                output.append(contentsOf: chunk.readableBytesView)
                guard output.count <= maximumBytes else { throw GzipTooLarge() }
                // Bytes after the end of the stream: nothing more can be read from them.
                if input.readableBytes == before && chunk.readableBytes == 0 { throw GzipTrailingBytes() }
            }
        }

        struct GzipTrailingBytes: Error {}
    }
}
