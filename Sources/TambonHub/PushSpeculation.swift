import Dispatch
import Foundation
import NIOCore
import TambonCore
import TambonProtocol

/// Reads a push while its body is still arriving: on a slow link that takes seconds, and in that time the hub
/// decompresses the body, reads each change as soon as it is complete and checks its signature on another core.
/// When the last byte is in, what is left is the request signature, the other checks, the SQLite work and the
/// signature checks that did not finish in time.
///
/// Nothing here decides anything. The request signature is checked over the whole body afterwards as for any
/// request, and the batch goes through ``HubIntake`` like any other; the outcome only spares the Ed25519 check of
/// the signatures found valid (``TambonCore/CheckedSignatures``) and the second reading of the body. Whatever this
/// cannot follow — a body not laid out as nodes write it (`{"changes":[…]…}`, canonical JSON), an invalid change,
/// a body over the limits — ends the speculation, and the request is read the ordinary way, which refuses it with
/// the right error. It is only started for requests naming an enrolled, active node, so no stranger can make
/// the hub check signatures for them.
final class PushSpeculation: @unchecked Sendable {
    struct Outcome {
        let members: [String: JSONValue]
        let changes: [Change]
        let checked: CheckedSignatures
        /// The decompressed body.
        let body: [UInt8]
    }

    private static let prefix = Array(#"{"changes":["#.utf8)

    private let inflater: Gzip.Inflater
    private var scanner = ArrayScanner(position: prefix.count)
    private var changes: [Change] = []
    private var failed = false

    private let lock = NSLock()
    private var checked = CheckedSignatures()
    private var stopped = false

    init() throws {
        inflater = try Gzip.Inflater()
    }

    /// Takes the next piece of the body as received.
    func feed(_ piece: ByteBuffer) {
        guard !failed else { return }
        do {
            try inflater.feed(piece)
            let body = inflater.output
            guard body.count >= Self.prefix.count else { return }
            guard body[0..<Self.prefix.count].elementsEqual(Self.prefix) else { throw Abandon() }
            try scanner.scan(body) { range in try self.read(body[range]) }
        } catch {
            failed = true
        }
    }

    /// The outcome once the last byte is in; nil if the body was not followed to its end. Signature checks not
    /// done by now are dropped — the store's verifier does them, overlapping its SQLite work — so a body that
    /// arrived all at once (a fast link) costs no more than before.
    func finish() async -> Outcome? {
        lock.withLock { stopped = true }
        let body = inflater.output
        guard !failed, let end = scanner.end else { return nil }
        // What follows the array: the other members, in the same object.
        let tail = body[end...]
        var members: [String: JSONValue] = [:]
        if tail.first == UInt8(ascii: ",") {
            guard let object = try? JSONValue(parsing: [UInt8(ascii: "{")] + tail.dropFirst()).objectValue, object["changes"] == nil else {
                return nil
            }
            members = object
        } else if !tail.elementsEqual([UInt8(ascii: "}")]) {
            return nil
        }
        return Outcome(members: members, changes: changes, checked: lock.withLock { checked }, body: body)
    }

    private func read(_ bytes: ArraySlice<UInt8>) throws {
        guard changes.count < SyncProtocol.maximumPushChanges else { throw Abandon() }
        let change = try ChangeCodec.change(from: try JSONValue(parsing: Array(bytes)), after: changes.last)
        changes.append(change)
        DispatchQueue.global(qos: .userInitiated).async {
            guard !self.lock.withLock({ self.stopped }), change.hasValidSignature else { return }
            self.lock.withLock { self.checked.insert(change) }
        }
    }

    private struct Abandon: Error {}

    /// Finds the complete elements of a JSON array of objects as its bytes arrive: strictly `[{…},{…}]` with no
    /// whitespace, as canonical JSON has it.
    struct ArrayScanner {
        var position: Int
        private var depth = 0
        private var inString = false
        private var escaped = false
        private var elementStart = 0
        /// Between elements: what may come next.
        private var expecting: Between = .first
        private enum Between { case first, separator, element }
        /// Just past the array's closing bracket, once seen.
        private(set) var end: Int?

        init(position: Int) {
            self.position = position
        }

        mutating func scan(_ bytes: [UInt8], element: (Range<Int>) throws -> Void) throws {
            while position < bytes.count, end == nil {
                let byte = bytes[position]
                defer { position += 1 }
                if depth == 0 {
                    switch (byte, expecting) {
                    case (UInt8(ascii: "{"), .first), (UInt8(ascii: "{"), .element):
                        elementStart = position
                        depth = 1
                    case (UInt8(ascii: ","), .separator): expecting = .element
                    case (UInt8(ascii: "]"), .first), (UInt8(ascii: "]"), .separator): end = position + 1
                    default: throw Abandon()
                    }
                    continue
                }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    // The whole body's parser allows 64 levels and an element starts 2 levels down: deeper is
                    // left to it, so the refusal is the same.
                    if depth > 62 { throw Abandon() }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        expecting = .separator
                        try element(elementStart..<(position + 1))
                    }
                default: break
                }
            }
        }
    }
}
