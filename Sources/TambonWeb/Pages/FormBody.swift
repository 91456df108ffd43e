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
        var values: [String: String] = [:]
        var files: [File] = []
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        let parser = MultipartParser(boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
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
