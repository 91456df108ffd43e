import ArgumentParser
import Foundation
import Logging
import TambonCore
import TambonPostgres
import TambonStore

/// Which database a hub's data directory uses: the embedded SQLite store (the default, `DIR/tambon.sqlite`), or
/// PostgreSQL when `tambon hub init --database URL` wrote `DIR/database.url`. The file holds the URL alone, which
/// carries no password: that comes from `TAMBON_DATABASE_PASSWORD` each time a command opens the hub.
enum HubDatabase {
    static func urlFile(_ data: String) -> String { (data as NSString).appendingPathComponent("database.url") }

    /// The PostgreSQL settings of the hub at `data`, or nil for SQLite.
    static func settings(_ data: String) throws -> DatabaseSettings? {
        guard let text = try? String(contentsOfFile: urlFile(data), encoding: .utf8) else { return nil }
        return try DatabaseSettings(url: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `body` with the hub at `options.data`, whichever database it uses, and closes it afterwards.
    static func withHub<T: Sendable>(_ options: DataOptions, _ body: (any HubLog, NodeInfo) async throws -> T) async throws -> T {
        if let settings = try settings(options.data) {
            return try await PostgresStore.withStore(
                settings: settings, configuration: DataOptions.storeConfiguration, directory: options.data,
                logger: Logging.make("tambon.postgres", level: .warning)
            ) { store in
                guard let node = try await store.node() else {
                    throw StoreError(
                        .notInitialised, "the database at \(settings.url) holds no hub", hint: "tambon hub init --data \(options.data) --database URL"
                    )
                }
                return try await body(store, node)
            }
        }
        let (store, node) = try await options.openNode()
        guard node.office == Store.hubOffice else { throw TambonError.command("\(options.data) holds an office node, not a hub (tambon hub init)") }
        return try await body(store, node)
    }
}
