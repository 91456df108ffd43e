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

    /// The bytes of a gzip body (RFC 1952): one member or several in a row, each with its header, CRC and length
    /// checked by zlib. Anything after the last member that is not another member (trailing garbage) is refused
    /// with ``Corrupt``, as is an empty body; more than `maximumBytes` in all with ``TooLarge``.
    public static func decompress(_ bytes: [UInt8], maximumBytes: Int = SyncProtocol.maximumBodyBytes) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        var plain: [UInt8] = []
        // Each member needs at least its 10-byte header and 8-byte trailer, so the loop ends.
        repeat {
            guard input.readableBytes >= 18, input.readableBytesView.starts(with: [0x1f, 0x8b]) else { throw Corrupt() }
            let start = input.readerIndex
            // One byte more than is left: the library throws `bufferOverflow` past it (the body is too large).
            let member: ByteBuffer
            do {
                member = try input.decompress(with: .gzip(), maxSize: maximumBytes - plain.count + 1)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw TooLarge()
            } catch {
                throw Corrupt()
            }
            guard plain.count + member.readableBytes <= maximumBytes else { throw TooLarge() }
            // zlib checks a member's CRC and length when it reaches them, but the library returns what it has when the
            // input runs out first: a member is whole only if the 4 bytes it ended on are its length (ISIZE, mod 2³²).
            let end = input.readerIndex  // the buffer was made from `bytes`: its indices are the array's
            guard end - start >= 18, Self.littleEndian(bytes[(end - 4)..<end]) == UInt32(truncatingIfNeeded: member.readableBytes)
            else { throw Corrupt() }
            plain += member.readableBytesView
        } while input.readableBytes > 0
        return plain
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Expands beyond the limit.
    public struct TooLarge: Error {}

    /// Not gzip: a bad header, CRC or length, a truncated member, or bytes after the last member.
    public struct Corrupt: Error {}
}
