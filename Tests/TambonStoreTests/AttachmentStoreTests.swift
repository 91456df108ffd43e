import Crypto
import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

@Suite struct AttachmentStoreTests {
    static func temporary() -> AttachmentStore {
        AttachmentStore(root: temporaryDirectory("tambon-attach-test"))
    }

    static func hash(_ bytes: [UInt8]) -> String { Hex.encode(Array(SHA256.hash(data: bytes))) }

    @Test func wholeFilesAreStoredByTheirHash() throws {
        let files = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: files.root) }
        let bytes = Array("%PDF-1.4 plan".utf8)
        let hash = try files.put(bytes)
        #expect(hash == Self.hash(bytes))
        #expect(files.size(of: hash) == bytes.count)
        #expect(try files.contents(of: hash) == bytes)
        #expect(try files.put(bytes) == hash, "the same bytes are one file")
        #expect(try files.read(hash, offset: 5, length: 3) == Array("1.4".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: files.root)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    /// The process stopped after the last chunk was written but before the file was moved into place: the next
    /// chunk of it (a re-send) finishes the move instead of leaving a whole file stuck as a partial one.
    @Test func aWholePartialLeftByACrashIsMovedIntoPlaceOnTheNextChunk() throws {
        let files = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: files.root) }
        let bytes = Array("%PDF-1.4 a plan that arrived whole".utf8)
        let hash = Self.hash(bytes)
        try files.prepare()
        FileManager.default.createFile(atPath: files.partialPath(of: hash), contents: Data(bytes))
        #expect(!files.has(hash))
        let chunk = Array(bytes[10...])
        #expect(try files.append(hash, size: bytes.count, offset: 10, chunk: chunk, chunkHash: Self.hash(chunk)) == bytes.count)
        #expect(files.has(hash))
        #expect(try files.contents(of: hash) == bytes)
        #expect(!FileManager.default.fileExists(atPath: files.partialPath(of: hash)))
        // Whole but damaged: discarded, and said so, rather than kept.
        let other = Array("%PDF-1.4 another".utf8)
        let otherHash = Self.hash(other)
        FileManager.default.createFile(atPath: files.partialPath(of: otherHash), contents: Data(Array("%PDF-1.4 XXXXXXX".utf8)))
        #expect(throws: StoreError.self) { try files.append(otherHash, size: other.count, offset: 0, chunk: other, chunkHash: otherHash) }
        #expect(!FileManager.default.fileExists(atPath: files.partialPath(of: otherHash)) && !files.has(otherHash))
        #expect(try FileManager.default.contentsOfDirectory(atPath: files.root + "/partial").isEmpty, "no temporary left")
    }

    @Test func chunksResumeAndAHalfFileIsNeverVisible() throws {
        let files = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: files.root) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<2_500_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hash = Self.hash(bytes)
        let chunk = AttachmentStore.maximumChunk
        func piece(_ offset: Int) -> [UInt8] { Array(bytes[offset..<min(bytes.count, offset + chunk)]) }

        #expect(try files.append(hash, size: bytes.count, offset: 0, chunk: piece(0), chunkHash: Self.hash(piece(0))) == chunk)
        #expect(!files.has(hash), "half a file is not a file")
        #expect(files.partialSize(of: hash) == chunk)
        // The same chunk again (a retry after a cut) changes nothing.
        #expect(try files.append(hash, size: bytes.count, offset: 0, chunk: piece(0), chunkHash: Self.hash(piece(0))) == chunk)
        // A damaged chunk, or one that skips ahead, is refused and changes nothing.
        var damaged = piece(chunk)
        damaged[10] ^= 0xFF
        #expect(throws: StoreError.self) {
            try files.append(hash, size: bytes.count, offset: chunk, chunk: damaged, chunkHash: Self.hash(piece(chunk)))
        }
        #expect(throws: StoreError.self) {
            try files.append(hash, size: bytes.count, offset: 2 * chunk, chunk: piece(2 * chunk), chunkHash: Self.hash(piece(2 * chunk)))
        }
        #expect(files.partialSize(of: hash) == chunk)
        for offset in [chunk, 2 * chunk] {
            _ = try files.append(hash, size: bytes.count, offset: offset, chunk: piece(offset), chunkHash: Self.hash(piece(offset)))
        }
        #expect(files.has(hash) && files.partialSize(of: hash) == 0)
        #expect(try files.contents(of: hash) == bytes)
    }

    @Test func aFileWhoseWholeHashDoesNotMatchIsDiscarded() throws {
        let files = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: files.root) }
        let claimed = Self.hash(Array("the real plan".utf8))
        let other = Array("a different one".utf8)
        #expect(throws: StoreError.self) { try files.append(claimed, size: other.count, offset: 0, chunk: other, chunkHash: Self.hash(other)) }
        #expect(!files.has(claimed) && files.partialSize(of: claimed) == 0)
    }
}
