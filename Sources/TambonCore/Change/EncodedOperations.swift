/// A change's operations as canonical JSON, with the byte range of each operation's value inside it.
public struct EncodedOperations: Sendable {
    public let bytes: [UInt8]
    public let valueRanges: [Range<Int>]

    public init(_ operations: [ChangeOperation]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + operations.count * 48)
        var ranges: [Range<Int>]? = []
        ranges!.reserveCapacity(operations.count)
        ChangeEncoding.appendOperations(operations, to: &bytes, valueRanges: &ranges)
        self.bytes = bytes
        self.valueRanges = ranges!
    }

    /// The canonical JSON of operation `index`'s value.
    public func value(at index: Int) -> ArraySlice<UInt8> {
        bytes[valueRanges[index]]
    }
}
