import HTTPTypes
import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonSurveyApp
import TambonWebKit

/// Everything the node's web app works with; built once by the server and shared by the controllers.
public struct OfficeWeb: Sendable {
    public let store: Store
    public let node: NodeInfo
    public let book: ApplicationBook
    /// Payers, bills, receipts and bank payments.
    public let fees: FeeBook
    /// Official letters (e-Saraban).
    public let letters: LetterBook
    /// The letters' search index (nil if its database could not be opened: search then says so).
    public let letterIndex: LetterIndex?
    public let users: UserDirectory
    public let sessions: SessionStore
    /// Failed logins per account (429 with Retry-After after too many).
    public let throttle: LoginThrottle
    /// Mark cookies Secure (the node serves HTTPS).
    public let secureCookies: Bool
    /// Asks the hub for a phone's one-time token for an officer (the server sets it when the node is enrolled):
    /// the token and the hub's address.
    public var phoneTokens: (@Sendable (_ officer: String) async throws -> (token: String, hubURL: String))?

    public static let sessionCookie = SessionEndpoints.cookieName
    /// Largest JSON or form body accepted.
    public static let maximumBodyBytes = 1 << 20

    public init(store: Store, node: NodeInfo, catalog: ServiceCatalog = ServiceCatalog(), bcryptCost: UInt8 = 12, secureCookies: Bool = false) {
        self.secureCookies = secureCookies
        self.store = store
        self.node = node
        book = ApplicationBook(store: store, catalog: catalog)
        fees = FeeBook(store: store, catalog: catalog)
        letters = LetterBook(store: store, letterCode: catalog.letterCode)
        letterIndex = try? LetterIndex(store: store)
        users = UserDirectory(store: store, cost: bcryptCost)
        sessions = SessionStore(clock: store.configuration.wallClock)
        throttle = LoginThrottle(clock: store.configuration.wallClock)
    }

    var sessionEndpoints: SessionEndpoints { SessionEndpoints(users: users, sessions: sessions, throttle: throttle, secureCookies: secureCookies) }

    /// Adds the JSON API and the pages to `router`.
    public func addRoutes(to router: Router<TambonRequestContext>) {
        APIController(web: self).addRoutes(to: router)
        let pages = PageRenderer(web: self)
        CitizenPages(pages: pages).addRoutes(to: router)
        StaffPages(pages: pages).addRoutes(to: router)
        PrintPages(pages: pages).addRoutes(to: router)
        FeePages(pages: pages).addRoutes(to: router)
        PaymentPages(pages: pages).addRoutes(to: router)
        LetterPages(pages: pages).addRoutes(to: router)
        PhonePages(pages: pages).addRoutes(to: router)
        let store = self.store
        SurveyApp.addRoutes(to: router) { try? await store.hubLink()?.url }
    }

    /// The staff session of a request (from its cookie), or nil.
    func session(of request: Request) async -> SessionStore.Session? {
        await sessionEndpoints.session(of: request)
    }

    /// The staff session of an API call, required. API calls need no token: the cookie is SameSite=Strict, so no
    /// other site's page can send it, and JSON bodies cannot be posted by a plain cross-site form.
    func apiStaff(_ request: Request) async throws -> SessionStore.Session {
        guard let session = await session(of: request) else { throw WebError.unauthenticated }
        return session
    }

    /// The staff session of a page request, required; a form that changes something (`csrf`: its field) must also
    /// carry the session's CSRF token.
    func staff(_ request: Request, csrf: String? = nil) async throws -> SessionStore.Session {
        let session = try await apiStaff(request)
        if request.method != .get && request.method != .head {
            guard let csrf, Self.constantTimeEquals(csrf, session.csrf) else { throw WebError.badCSRF }
        }
        return session
    }

    /// An application of the session's office, or 404 (another office's applications do not exist for it).
    func application(_ id: String, for session: SessionStore.Session) async throws -> ApplicationRecord {
        let application: ApplicationRecord
        do {
            application = try await book.application(id)
        } catch let error as OfficeError {
            throw WebError(error)
        }
        guard application.belongs(to: session.office) else { throw WebError(OfficeError.notFound) }
        return application
    }

    /// This node's role: a survey node offers only field work (``ServiceCatalog/isFieldAction(_:service:)``), and
    /// records it as a surveyor, the only role the authority rules accept from it.
    func nodeRole() async throws -> NodeRole {
        if node.office == Store.hubOffice { return .hub }
        return try await store.hubLink()?.role == NodeRole.survey.rawValue ? .survey : .office
    }

    /// The role an action of `session` is recorded with on this node: a survey node's events are a surveyor's.
    func actingRole(of session: SessionStore.Session) async throws -> ActorRole {
        try await nodeRole() == .survey ? .surveyor : session.role
    }

    /// A cookie of this app: HttpOnly, SameSite=Strict, Secure when served over HTTPS; `maxAge: 0` deletes it.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        sessionEndpoints.cookie(name, value, maxAge: maxAge)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
