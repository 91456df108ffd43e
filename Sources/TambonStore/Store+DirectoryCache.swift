import GRDB
import TambonCore

extension Store {
    /// Keeps `body`, version `version`, of the directory `name` the hub publishes (the agency directory), replacing
    /// what was kept.
    public func cacheDirectory(_ name: String, version: String, body: JSONValue) async throws {
        let fetched = configuration.wallClock()
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO directory_cache (name, version, body, fetched_ms) VALUES (?, ?, ?, ?)",
                arguments: [name, version, body.canonicalText, fetched])
        }
    }

    /// The directory `name` as last fetched, with its version and when (ms); nil if never.
    public func cachedDirectory(_ name: String) async throws -> (version: String, body: JSONValue, fetchedMillis: Int64)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version, body, fetched_ms FROM directory_cache WHERE name = ?", arguments: [name])
            else {
                return nil
            }
            return (row["version"], try Self.decodeValue(row["body"]), row["fetched_ms"])
        }
    }
}
