import Foundation
import HTTPTypes
import MultipartKit
import NIOCore
import TambonCore
import TambonWebKit

/// A submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` with files (parsed by
/// MultipartKit). Text fields by name (the last of a repeated name wins) and the files in order.
struct FormBody {
    struct File {
        let field: String
        let name: String
        let contentType: String
        let bytes: [UInt8]
    }

    let values: [String: String]
    let files: [File]

    init(values: [String: String], files: [File] = []) {
        self.values = values
        self.files = files
    }

    /// Reads a body by its Content-Type; a malformed multipart body is an error, not an empty form.
    init(contentType: String?, bytes: [UInt8]) throws {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else {
            self.init(urlEncoded: bytes)
            return
        }
        guard
            let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count)
        else { throw WebError(.invalid, "malformed_form", th: "แบบฟอร์มไม่สมบูรณ์", en: "multipart body without a boundary") }
        let delimiter = String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        // MultipartKit 4 traps (index out of range) on a byte above 0x7F where it reads a header name: a citizen's
        // one malformed request must not stop the office's node, so such a body is refused before it is parsed.
        guard Self.headerNamesAreASCII(bytes, delimiter: Array(("--" + delimiter).utf8)) else {
            throw WebError(.invalid, "malformed_form", th: "แบบฟอร์มไม่สมบูรณ์", en: "the multipart body could not be read")
        }
        var values: [String: String] = [:]
        var files: [File] = []
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        let parser = MultipartParser(boundary: delimiter)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            let field = Self.parameter("name", in: disposition) ?? ""
            if let filename = Self.parameter("filename", in: disposition) {
                if !body.isEmpty || !filename.isEmpty {
                    files.append(File(field: field, name: filename, contentType: headers["content-type"] ?? "application/octet-stream", bytes: body))
                }
            } else {
                values[field] = String(decoding: body, as: UTF8.self)
            }
            headers = [:]
            body = []
        }
        do {
            try parser.execute(bytes)
        } catch {
            throw WebError(.invalid, "malformed_form", th: "แบบฟอร์มไม่สมบูรณ์", en: "the multipart body could not be read")
        }
        self.init(values: values, files: files)
    }

    /// Whether every header name of every part (the bytes of each header line before its `:`, after each delimiter
    /// line) is ASCII. Header values may hold UTF-8 (a Thai file name); names may not.
    static func headerNamesAreASCII(_ bytes: [UInt8], delimiter: [UInt8]) -> Bool {
        guard !delimiter.isEmpty, bytes.count >= delimiter.count else { return true }
        var index = 0
        while index <= bytes.count - delimiter.count {
            guard bytes[index] == delimiter[0], bytes[index..<(index + delimiter.count)].elementsEqual(delimiter) else {
                index += 1
                continue
            }
            var cursor = index + delimiter.count
            // The rest of the delimiter line (a closing `--`, padding) is not a header.
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") { cursor += 1 }
            cursor += 1
            // Header lines up to the empty one: each name, up to its colon or the line's end, must be ASCII.
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\r"), bytes[cursor] != UInt8(ascii: "\n") {
                var inName = true
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") {
                    if bytes[cursor] == UInt8(ascii: ":") { inName = false }
                    if inName, bytes[cursor] >= 0x80 { return false }
                    cursor += 1
                }
                cursor += 1
            }
            index = max(index + 1, cursor)
        }
        return true
    }

    init(urlEncoded bytes: [UInt8]) {
        var values: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
        self.init(values: values)
    }

    subscript(_ name: String) -> String? { values[name] }

    static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// `name="value"` inside a Content-Disposition header.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(name + "=") else { continue }
            return String(trimmed.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
