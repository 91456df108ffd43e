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
    public let throttle: LoginThrottle

    public init(users: UserDirectory, sessions: SessionStore, throttle: LoginThrottle, secureCookies: Bool) {
        self.users = users
        self.sessions = sessions
        self.throttle = throttle
        self.secureCookies = secureCookies
    }

    public static let cookieName = "tambon_session"

    public func addRoutes(to api: RouterGroup<TambonRequestContext>) {
        api.post("session") { request, context in try await self.login(request, client: context.client) }
        api.delete("session") { request, _ in try await self.logout(request) }
    }

    public func login(_ request: Request, client: String?) async throws -> Response {
        let body = try await JSONRequest.object(request, maximumBytes: Self.maximumLoginBytes)
        guard let name = (body["username"] ?? body["name"])?.stringValue, let password = body["password"]?.stringValue else {
            throw WebError(.unauthenticated, "bad_credentials", th: "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", en: "wrong user name or password")
        }
        guard let account = try await authenticate(name: name, password: password, client: client) else {
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

    /// A login body is a name and a password: nothing more is read.
    public static let maximumLoginBytes = 64 << 10

    /// The account if `password` is right, through the throttle: an account that failed too often must wait (429,
    /// before bcrypt runs), a failure counts, a success clears its record. Pages and the API log in through this.
    public func authenticate(name: String, password: String, client: String?) async throws -> UserAccount? {
        try await throttle.check(name, client: client)
        guard let account = try await users.authenticate(name: name, password: password) else {
            await throttle.failed(name, client: client)
            return nil
        }
        await throttle.succeeded(name, client: client)
        return account
    }

    /// The session of a request (from its cookie), or nil. It ends the moment its account is disabled, removed or
    /// given another role (on this node, or by a change synced from another): each request reads the account.
    public func session(of request: Request) async -> SessionStore.Session? {
        guard let token = request.cookies[Self.cookieName]?.value, let session = await sessions.session(token) else { return nil }
        guard let account = try? await users.account(named: session.user), !account.disabled, account.role == session.role else {
            await sessions.end(session.token)
            return nil
        }
        return session
    }

    /// A cookie of this app: HttpOnly, SameSite=Strict, Secure when served over HTTPS; `maxAge: 0` deletes it.
    public func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }
}
