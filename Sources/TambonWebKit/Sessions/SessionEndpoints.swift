import HTTPTypes
import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice

/// `POST /api/v1/session` and `DELETE /api/v1/session`: the same login for a node's staff and a hub's operators.
/// The session lives in a cookie that is HttpOnly, SameSite=Strict and, over HTTPS, Secure.
public struct SessionEndpoints: Sendable {
    public let users: UserDirectory
    public let sessions: SessionStore
    public let secureCookies: Bool

    public init(users: UserDirectory, sessions: SessionStore, secureCookies: Bool) {
        self.users = users
        self.sessions = sessions
        self.secureCookies = secureCookies
    }

    public static let cookieName = "tambon_session"

    public func addRoutes(to api: RouterGroup<BasicRequestContext>) {
        api.post("session") { request, _ in try await self.login(request) }
        api.delete("session") { request, _ in try await self.logout(request) }
    }

    public func login(_ request: Request) async throws -> Response {
        let body = try await JSONRequest.object(request)
        guard let name = (body["username"] ?? body["name"])?.stringValue, let password = body["password"]?.stringValue,
            let account = try await users.authenticate(name: name, password: password)
        else {
            throw WebError(.unauthenticated, "bad_credentials", th: "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", en: "wrong user name or password")
        }
        let session = await sessions.start(for: account)
        var headers = HTTPFields()
        headers[.setCookie] = cookie(Self.cookieName, session.token).description
        return JSONResponse.make(
            [
                "user": .string(account.name), "role": .string(account.role.rawValue), "office": .string(account.office),
                "csrf_token": .string(session.csrf),
            ], headers: headers)
    }

    public func logout(_ request: Request) async throws -> Response {
        guard let session = await session(of: request) else { throw WebError.unauthenticated }
        await sessions.end(session.token)
        var headers = HTTPFields()
        headers[.setCookie] = cookie(Self.cookieName, "", maxAge: 0).description
        return JSONResponse.make(["ended": true], headers: headers)
    }

    /// The session of a request (from its cookie), or nil.
    public func session(of request: Request) async -> SessionStore.Session? {
        guard let token = request.cookies[Self.cookieName]?.value else { return nil }
        return await sessions.session(token)
    }

    /// A cookie of this app: HttpOnly, SameSite=Strict, Secure when served over HTTPS; `maxAge: 0` deletes it.
    public func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
