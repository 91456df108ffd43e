import Foundation
import TambonCore

/// Reads sync-protocol/test-vectors/, written by scripts/make-test-vectors.py (an independent implementation).
enum TestVectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sync-protocol/test-vectors")

    static func load(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONValue(parsing: Array(data))
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}

struct MissingValue: Error, CustomStringConvertible {
    let file: String
    let line: Int
    var description: String { "missing value at \(file):\(line)" }
}

/// Unwraps an optional or fails the test (usable where `#require` cannot nest).
func unwrap<T>(_ value: T?, file: String = #fileID, line: Int = #line) throws -> T {
    guard let value else { throw MissingValue(file: file, line: line) }
    return value
}
