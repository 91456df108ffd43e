import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TambonCore
import Testing

/// A logged-in staff member: the session cookie and the CSRF token to echo.
public struct StaffSession: Sendable {
    public let cookie: String
    public let csrf: String

    public static func login(_ client: some TestClientProtocol, name: String, password: String) async throws -> StaffSession {
        try await client.execute(
            uri: "/api/v1/session", method: .post, headers: HTTPTesting.jsonHeaders,
            body: HTTPTesting.json(["username": .string(name), "password": .string(password)])
        ) { response in
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let token = String(cookie.split(separator: ";")[0])
            return StaffSession(cookie: token, csrf: try #require(try HTTPTesting.object(response)["csrf_token"]?.stringValue))
        }
    }

    public func headers(csrf: Bool = true) -> HTTPFields {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        headers[.contentType] = "application/json"
        if csrf { headers[HTTPField.Name("X-CSRF-Token")!] = self.csrf }
        return headers
    }
}
