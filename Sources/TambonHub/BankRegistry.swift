import Crypto
import Foundation
import Synchronization
import TambonCore

/// The banks allowed to confirm payments to the hub, each with the secret it signs its confirmations with
/// (HMAC-SHA256 of the body). Kept in `banks.json` in the hub's data directory, mode 0600 like the hub's TLS key,
/// written by `tambon hub bank add|remove` and re-read by a running hub when the file changes (checked at most once
/// a second), so adding a bank needs no restart.
public final class BankRegistry: Sendable {
    public struct Bank: Codable, Sendable, Equatable {
        /// `scb`, `ktb`, …: a–z, 0–9 and `-`, 1 to 16 characters (part of each payment's record id).
        public let name: String
        /// The shared secret, base64.
        public let secret: String
        public let addedMillis: Int64
    }

    public static let fileName = "banks.json"
    public static let secretBytes = 32

    let path: String?
    private struct Cache {
        var checkedMillis: Int64 = 0
        var modified: Date?
        var banks: [String: Bank] = [:]
    }
    private let cache = Mutex(Cache())

    /// The registry of the hub whose data directory is `directory`; nil: no bank may confirm anything.
    public init(directory: String?) {
        path = directory.map { ($0 as NSString).appendingPathComponent(Self.fileName) }
    }

    public static func isName(_ name: String) -> Bool {
        (1...16).contains(name.count) && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The bank `name`, read from the file if it changed since the last look.
    public func bank(_ name: String) -> Bank? {
        guard let path, Self.isName(name) else { return nil }
        return cache.withLock { cache -> Bank? in
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            if now - cache.checkedMillis >= 1_000 {
                cache.checkedMillis = now
                let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
                if modified != cache.modified {
                    cache.modified = modified
                    cache.banks = (try? Self.read(path)).map { Dictionary($0.map { ($0.name, $0) }, uniquingKeysWith: { $1 }) } ?? [:]
                }
            }
            return cache.banks[name]
        }
    }

    /// Whether `signature` (hex, optionally `sha256=` before it) is bank `name`'s HMAC-SHA256 of `body`, compared in
    /// constant time.
    public func verify(bank name: String, signature: String, body: [UInt8]) -> Bool {
        guard let bank = bank(name), let secret = Data(base64Encoded: bank.secret) else { return false }
        let hex = signature.hasPrefix("sha256=") ? String(signature.dropFirst(7)) : signature
        guard hex.utf8.count == 64, let code = Self.bytes(hex: hex) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: SymmetricKey(data: secret))
    }

    /// The HMAC a bank sends with `body` (for tests, benchmarks and the operator's documentation).
    public static func signature(of body: [UInt8], secret: [UInt8]) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: The file (the CLI's side)

    public static func read(_ path: String) throws -> [Bank] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try JSONDecoder().decode([Bank].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Adds bank `name` with `secret` (replacing an earlier secret of the same bank), written atomically with mode 0600.
    public static func add(name: String, secret: [UInt8], directory: String, now: Int64) throws {
        guard isName(name) else {
            throw TambonError(.invalid, "invalid_bank", "a bank's name is 1 to 16 of a–z, 0–9 and -, not \"\(name.prefix(40))\"")
        }
        guard secret.count >= 16 else { throw TambonError(.invalid, "weak_secret", "a bank's secret must be at least 16 bytes") }
        let path = (directory as NSString).appendingPathComponent(fileName)
        var banks = try read(path).filter { $0.name != name }
        banks.append(Bank(name: name, secret: Data(secret).base64EncodedString(), addedMillis: now))
        try write(banks, to: path)
    }

    /// Removes bank `name`; false if it was not there.
    public static func remove(name: String, directory: String) throws -> Bool {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let banks = try read(path)
        guard banks.contains(where: { $0.name == name }) else { return false }
        try write(banks.filter { $0.name != name }, to: path)
        return true
    }

    private static func write(_ banks: [Bank], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: try encoder.encode(banks), attributes: [.posixPermissions: 0o600]) else {
            throw TambonError(.internal, "cannot_write", "cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw TambonError(.internal, "cannot_write", "cannot replace \(path)") }
    }

    private static func bytes(hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
