import GRDB

extension Store {
    /// Names of the counters a node keeps in `cursors`.
    public enum CursorName {
        /// The hub arrival sequence after which the next pull starts.
        public static let pull = "hub.pull"
        /// The node's own highest seq the hub has durably accepted.
        public static let acknowledged = "hub.acknowledged_seq"
        /// The last nonce used to sign a request to the hub (strictly increasing).
        public static let requestNonce = "hub.request_nonce"
    }

    /// A named counter (0 if never set).
    public func cursor(_ name: String) async throws -> Int64 {
        try await writer.read { db in try Self.cursor(db, name) }
    }

    static func cursor(_ db: Database, _ name: String) throws -> Int64 {
        try Int64.fetchOne(db, cached: "SELECT value FROM cursors WHERE name = ?", arguments: [name]) ?? 0
    }

    /// Sets a named counter; it only ever moves forward, so a stale writer cannot move it back.
    static func setCursor(_ db: Database, _ name: String, _ value: Int64) throws {
        try db.execute(
            cached: """
                INSERT INTO cursors (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE excluded.value > cursors.value
                """,
            arguments: [name, value])
    }

    /// Moves a counter forward to at least `value` (never back).
    public func advanceCounter(_ name: String, to value: Int64) async throws {
        try await writer.write { db in try Self.setCursor(db, name, value) }
    }

    /// The next value of a strictly increasing counter, persisted before it is returned (so two processes on the
    /// same directory never get the same value).
    public func nextCounterValue(_ name: String) async throws -> Int64 {
        try await writer.write { db in
            let next = try Self.cursor(db, name) + 1
            try Self.setCursor(db, name, next)
            return next
        }
    }
}
