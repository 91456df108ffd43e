import TambonProtocol
import Testing

/// gzip bodies as RFC 1952 defines them, against bytes another implementation wrote (Python's `gzip.compress`
/// with `mtime=0`), and every way a hostile or damaged body can differ from them.
@Suite struct GzipTests {
    /// `gzip.compress(b'{"protocol":2}', mtime=0)`.
    static let python: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 42, 40, 202, 47, 201, 79, 206, 207, 81, 178, 50, 170, 5, 0, 156, 53, 159, 94, 14, 0, 0, 0,
    ]
    /// `gzip.compress(b'', mtime=0)`: a member holding nothing.
    static let pythonEmpty: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    static let plain = Array(#"{"protocol":2}"#.utf8)

    @Test func readsAnotherImplementationsMembersOneOrSeveral() throws {
        #expect(try Gzip.decompress(Self.python) == Self.plain)
        #expect(try Gzip.decompress(Self.pythonEmpty) == [])
        // Several members in a row are one gzip file (RFC 1952 §2.2): their contents, concatenated.
        #expect(try Gzip.decompress(Self.python + Self.pythonEmpty + Self.python) == Self.plain + Self.plain)
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        #expect(try Gzip.decompress(try Gzip.compress(large)) == large)
    }

    /// Bodies that are not gzip, each named.
    static let damaged: [(String, [UInt8])] = [
        ("empty", [UInt8]()),
        ("header only", Array(python.prefix(10))),
        ("trailer cut by one byte", Array(python.dropLast())),
        ("trailer cut off", Array(python.dropLast(8))),
        ("deflate data cut", Array(python.prefix(20))),
        ("one byte of garbage after it", python + [0x00]),
        ("garbage after it", python + Array("}{".utf8)),
        ("a second member that is garbage", python + [31, 139, 8, 0] + [UInt8](repeating: 0x41, count: 40)),
        ("CRC flipped", flipped(python, at: python.count - 8)),
        ("length flipped", flipped(python, at: python.count - 1)),
        ("magic flipped", flipped(python, at: 0)),
        ("method not deflate", replaced(python, at: 2, with: 7)),
        ("reserved flags", replaced(python, at: 3, with: 0xE0)),
        ("zlib's wrapper instead of gzip's", [120, 156, 171, 86, 42, 40, 202, 47, 201, 79, 206, 207, 81, 178, 50, 170, 5, 0, 40, 12, 5, 27]),
    ]

    @Test(arguments: damaged)
    func refusesWhatIsNotGzip(_ name: String, _ body: [UInt8]) {
        #expect(throws: Gzip.Corrupt.self, "\(name)") { try Gzip.decompress(body) }
    }

    @Test func refusesWhatExpandsBeyondTheLimitInOneMemberOrAcrossSeveral() throws {
        let member = try Gzip.compress([UInt8](repeating: 0x20, count: 1_000))
        #expect(try Gzip.decompress(member, maximumBytes: 1_000).count == 1_000)
        #expect(throws: Gzip.TooLarge.self) { try Gzip.decompress(member, maximumBytes: 999) }
        #expect(try Gzip.decompress(member + member, maximumBytes: 2_000).count == 2_000)
        #expect(throws: Gzip.TooLarge.self) { try Gzip.decompress(member + member, maximumBytes: 1_999) }
    }

    static func flipped(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        replaced(bytes, at: index, with: bytes[index] ^ 0x01)
    }

    static func replaced(_ bytes: [UInt8], at index: Int, with value: UInt8) -> [UInt8] {
        var copy = bytes
        copy[index] = value
        return copy
    }
}
