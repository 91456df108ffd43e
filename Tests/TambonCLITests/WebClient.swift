import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client for `tambon node serve` in end-to-end tests: JSON, multipart and form bodies, one session
/// cookie and its CSRF token. Redirects are not followed: a page's 303 and its `Location` are the answer.
final class WebClient: @unchecked Sendable {
    let base: String
    private(set) var cookie: String?
    private(set) var csrf = ""
    private let session: URLSession

    init(base: String) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    private final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    struct Reply {
        let status: Int
        let body: Data
        var location = ""
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    @discardableResult
    func send(
        _ method: String, _ path: String, json: [String: Any]? = nil, file: (name: String, type: String, bytes: Data)? = nil,
        fields: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        } else if let file {
            let boundary = "e2e-\(UUID().uuidString)"
            var body = Data()
            for (name, value) in fields { body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8) }
            body += Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8
            )
            body += file.bytes + Data("\r\n--\(boundary)--\r\n".utf8)
            request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        if let setCookie = http.value(forHTTPHeaderField: "Set-Cookie"), setCookie.hasPrefix("tambon_session=") {
            cookie = String(setCookie.split(separator: ";")[0])
        }
        return Reply(status: http.statusCode, body: data, location: http.value(forHTTPHeaderField: "Location") ?? "")
    }

    /// POSTs a page's form (URL-encoded) with the session's CSRF token.
    @discardableResult
    func form(_ path: String, _ fields: [(String, String)]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        request.httpBody = Data(
            ([("csrf", csrf)] + fields).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(status: http.statusCode, body: data, location: http.value(forHTTPHeaderField: "Location") ?? "")
    }

    /// A page's text (after a GET).
    func page(_ path: String) async throws -> String { try await send("GET", path).text }

    /// Logs in as a staff member.
    func login(_ name: String, _ password: String) async throws {
        let reply = try await send("POST", "/api/v1/session", json: ["username": name, "password": password])
        guard reply.status == 200 else { throw CLIFailure("login \(name) failed: \(reply.status) \(reply.text)") }
        csrf = reply.json["csrf_token"] as? String ?? ""
    }
}

/// A TCP port free at the moment of asking (so a server can be restarted on the same one).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
