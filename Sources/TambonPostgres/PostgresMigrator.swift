import Foundation
import Logging
import PostgresNIO
import TambonCore
import TambonStore

/// Brings a hub's PostgreSQL schema up to date at start: every migration of ``PostgresSchema`` not yet recorded in
/// `schema_migrations` runs, in version order, each in its own transaction with its record. A transaction-level
/// advisory lock lets two hubs start on one database at once: the second waits, then finds nothing to do. A
/// database migrated by a newer version of Tambon is refused rather than used.
enum PostgresMigrator {
    /// The advisory lock's key ("tambon" in ASCII): only migrations take it.
    static let lockKey: Int64 = 0x74_61_6d_62_6f_6e

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let known = PostgresSchema.migrations.map(\.version).max() ?? 0
        for migration in PostgresSchema.migrations {
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                var applied: Set<Int> = []
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int32.self) {
                    applied.insert(Int(version))
                }
                if let newer = applied.max(), newer > known {
                    throw StoreError(
                        .corrupt, "the hub's database is at schema version \(newer), newer than this tambon knows (\(known))",
                        hint: "run the newer tambon that migrated it")
                }
                if !applied.contains(migration.version) {
                    for statement in statements(of: migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(Int32(migration.version)), \(migration.name))", logger: logger)
                    logger.info("database migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// A migration's statements, one by one (the extended protocol takes one per query). Statements end with `;` at
    /// the end of a line; the migrations hold no other.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements.filter { text in
            text.split(separator: "\n").contains {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
        }
    }
}
