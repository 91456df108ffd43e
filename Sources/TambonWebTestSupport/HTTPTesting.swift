import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore

/// Requests and responses in tests of the web apps (the node's and the hub's), through Hummingbird's test client.
public enum HTTPTesting {
    public static var jsonHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return headers
    }

    public static func json(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: CanonicalJSON.encode(value)) }

    public static func object(_ response: TestResponse) throws -> [String: JSONValue] {
        try JSONValue(parsing: Array(buffer: response.body)).objectValue ?? [:]
    }

    public static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A multipart/form-data body with text fields and files, and its Content-Type.
    public static func multipart(
        _ fields: [(String, String)], files: [(field: String, name: String, type: String, bytes: [UInt8])]
    ) -> (String, ByteBuffer) {
        let boundary = "tambon-test-boundary-7d2a"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: body))
    }
}
