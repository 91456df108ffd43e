import TambonOSS
import TambonOffice

/// Staff sessions of this node, by the random token in the session cookie. Kept in memory: a restarted node asks
/// its staff to log in again, and no session token ever reaches the disk or the hub.
public actor SessionStore {
    public struct Session: Sendable {
        public let token: String
        public let user: String
        public let role: ActorRole
        public let office: String
        /// The token every form and state-changing API call must echo (CSRF protection).
        public let csrf: String
        let startedMillis: Int64
        var lastSeenMillis: Int64
    }

    /// Sessions end after this long without a request.
    public let idleMillis: Int64
    /// And after this long in all, however busy: a session taken over is not good for ever.
    public let absoluteMillis: Int64
    /// At most this many sessions at once; a new one beyond it ends the one seen least recently.
    public let maximumSessions: Int
    private var sessions: [String: Session] = [:]
    private let clock: @Sendable () -> Int64

    public init(
        idleMillis: Int64 = 8 * 3_600_000, absoluteMillis: Int64 = 12 * 3_600_000, maximumSessions: Int = 10_000,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.idleMillis = idleMillis
        self.absoluteMillis = absoluteMillis
        self.maximumSessions = maximumSessions
        self.clock = clock
    }

    public func start(for account: UserAccount) -> Session {
        let now = clock()
        sessions = sessions.filter { isLive($0.value, at: now) }
        if sessions.count >= maximumSessions, let stalest = sessions.min(by: { $0.value.lastSeenMillis < $1.value.lastSeenMillis })?.key {
            sessions[stalest] = nil
        }
        let session = Session(
            token: Self.randomToken(), user: account.name, role: account.role, office: account.office,
            csrf: Self.randomToken(), startedMillis: now, lastSeenMillis: now)
        sessions[session.token] = session
        return session
    }

    private func isLive(_ session: Session, at now: Int64) -> Bool {
        now - session.lastSeenMillis <= idleMillis && now - session.startedMillis <= absoluteMillis
    }

    /// How many sessions are held.
    public var count: Int { sessions.count }

    /// The live session for `token`, refreshed; nil if unknown, idle too long or too old.
    public func session(_ token: String) -> Session? {
        let now = clock()
        guard var session = sessions[token] else { return nil }
        guard isLive(session, at: now) else {
            sessions[token] = nil
            return nil
        }
        session.lastSeenMillis = now
        sessions[token] = session
        return session
    }

    public func end(_ token: String) {
        sessions[token] = nil
    }

    /// 32 random bytes as hex, from the system's cryptographic generator.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
