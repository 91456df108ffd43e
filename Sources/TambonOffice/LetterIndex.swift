import GRDB
import TambonCore
import TambonOSS
import TambonSQLite
import TambonStore

/// The node's search over its letters — sent and received — by number, subject, party and date range, offline.
/// Thai is written without spaces between words, so the subject and the parties are indexed by SQLite FTS5 with
/// the `trigram` tokenizer (any run of three or more characters matches, wherever it falls in a word); queries of
/// one or two characters fall back to a plain substring scan. The index is derived, in a database of its own beside
/// the store (`letters.sqlite`), brought up to date from the store's change feed before each search.
///
/// Letters marked ลับ or ลับมาก are indexed too; a search that may not see their content
/// (``search(_:from:to:includeRestricted:limit:)`` with `includeRestricted` false) matches them by number alone.
public struct LetterIndex: Sendable {
    public let store: Store
    let database: any DatabaseWriter

    public static let fileName = "letters.sqlite"
    static let refreshStep = 5_000

    public init(store: Store) throws {
        self.store = store
        database = try ProjectionDatabase.open(path: store.projectionPath(Self.fileName))
        var migrator = DatabaseMigrator()
        migrator.registerMigration("letters-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE letter_rows (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,          -- collection/record
                        direction TEXT NOT NULL,           -- out or in
                        number TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        party TEXT NOT NULL,               -- the receivers of a letter sent, the sender of one received
                        day INTEGER NOT NULL,              -- the letter's date, days since 1970-01-01
                        restricted INTEGER NOT NULL
                    );
                    CREATE INDEX letter_rows_by_day ON letter_rows (day);
                    CREATE VIRTUAL TABLE letter_text USING fts5(subject, party, number, content='letter_rows', content_rowid='id', tokenize='trigram');
                    CREATE TABLE letter_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), arrival INTEGER NOT NULL);
                    INSERT INTO letter_cursor VALUES (1, 0);
                    """)
        }
        try migrator.migrate(database)
    }

    /// One letter a search found.
    public struct Hit: Sendable, Equatable {
        /// `letters/<office>.<id>` or `letter_copies/<sender>.<id>.<office>`.
        public let key: String
        public let direction: String
        public let number: String
        public let subject: String
        public let party: String
        public let date: CivilDate
        public let restricted: Bool
    }

    /// Reads the letters changed since the last refresh into the index; returns how many rows were written.
    @discardableResult
    public func refresh() async throws -> Int {
        var written = 0
        let office = try await store.node()?.office ?? ""
        while true {
            let cursor = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT arrival FROM letter_cursor")! }
            let step = try await store.snapshot { snapshot -> (rows: [(String, IndexedRow?)], through: Int64)? in
                let (changed, through) = try snapshot.changedRecords(
                    collections: [LetterRecords.letters, LetterRecords.copies], after: cursor, limit: Self.refreshStep)
                guard through > cursor else { return nil }
                var rows: [(String, IndexedRow?)] = []
                for collection in [LetterRecords.letters, LetterRecords.copies] {
                    let ids = changed[collection] ?? []
                    let held = Dictionary(try snapshot.records(collection: collection, ids: ids).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                    for id in ids { rows.append(("\(collection)/\(id)", held[id].flatMap { Self.row($0, collection: collection, office: office) })) }
                }
                return (rows, through)
            }
            guard let step else { return written }
            written += try await database.write { db -> Int in
                var count = 0
                guard try Int64.fetchOne(db, sql: "SELECT arrival FROM letter_cursor") == cursor else { return 0 }
                for (key, row) in step.rows {
                    if let old = try GRDB.Row.fetchOne(db, sql: "SELECT id, subject, party, number FROM letter_rows WHERE key = ?", arguments: [key])
                    {
                        try db.execute(
                            sql: "INSERT INTO letter_text (letter_text, rowid, subject, party, number) VALUES ('delete', ?, ?, ?, ?)",
                            arguments: [old["id"] as Int64, old["subject"] as String, old["party"] as String, old["number"] as String])
                        try db.execute(sql: "DELETE FROM letter_rows WHERE key = ?", arguments: [key])
                    }
                    guard let row else { continue }
                    try db.execute(
                        sql: "INSERT INTO letter_rows (key, direction, number, subject, party, day, restricted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [key, row.direction, row.number, row.subject, row.party, row.day, row.restricted])
                    try db.execute(
                        sql: "INSERT INTO letter_text (rowid, subject, party, number) VALUES (?, ?, ?, ?)",
                        arguments: [db.lastInsertedRowID, row.subject, row.party, row.number])
                    count += 1
                }
                try db.execute(sql: "UPDATE letter_cursor SET arrival = ?", arguments: [step.through])
                return count
            }
        }
    }

    struct IndexedRow: Sendable {
        let direction: String
        let number: String
        let subject: String
        let party: String
        let day: Int
        let restricted: Bool
    }

    /// A letter's row: sent letters once numbered, copies addressed to this office.
    static func row(_ record: RecordSnapshot, collection: String, office: String) -> IndexedRow? {
        if collection == LetterRecords.letters {
            guard record.fields["state"] == "sent", let content = record.fields["draft"], let draft = try? LetterDraft(json: content, sender: office),
                let date = record.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:))
            else { return nil }
            return IndexedRow(
                direction: "out", number: record.fields["number"]?.stringValue ?? "", subject: draft.subject,
                party: draft.receivers.joined(separator: " "), day: date.daysSinceEpoch, restricted: draft.secrecy.isRestricted)
        }
        guard record.fields["receiver"] == .string(office), let sender = record.fields["sender"]?.stringValue, let content = record.fields["content"],
            let draft = try? LetterDraft(json: content, sender: sender), let date = record.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:))
        else { return nil }
        return IndexedRow(
            direction: "in", number: record.fields["number"]?.stringValue ?? "", subject: draft.subject, party: sender + " " + draft.signatoryTitle,
            day: date.daysSinceEpoch, restricted: draft.secrecy.isRestricted)
    }

    /// Letters whose number, subject or party contains `text` (all letters when empty), dated `from`…`to`
    /// (inclusive), newest first. Without `includeRestricted`, a secret letter matches by its number alone and its
    /// subject is not returned.
    public func search(_ text: String, from: CivilDate? = nil, to: CivilDate? = nil, includeRestricted: Bool, limit: Int = 200) async throws -> [Hit]
    {
        try await refresh()
        let query = String(text.filter { !$0.isNewline }.prefix(200)).trimmingWhitespace
        let first = from?.daysSinceEpoch ?? Int.min / 2
        let last = to?.daysSinceEpoch ?? Int.max / 2
        let bounded = max(1, min(limit, 1_000))
        return try await database.read { db in
            var sql = "SELECT r.key, r.direction, r.number, r.subject, r.party, r.day, r.restricted FROM letter_rows r"
            var arguments: [any DatabaseValueConvertible] = []
            if query.count >= 3 {
                // FTS5 trigram: the phrase in double quotes (its quotes doubled), so no query syntax of the user's runs.
                let phrase = "\"" + query.replacingQuotes + "\""
                // A secret letter found through its subject or party is kept only for those who may read it; by its
                // number it is found by anyone (FTS5 takes one MATCH per query, so the rest is filtered here).
                sql += " JOIN letter_text t ON t.rowid = r.id WHERE t.letter_text MATCH ? AND (r.restricted = 0 OR ? OR instr(r.number, ?) > 0)"
                arguments += [phrase, includeRestricted, query]
            } else if !query.isEmpty {
                sql += " WHERE (instr(r.number, ?) > 0 OR ((r.restricted = 0 OR ?) AND (instr(r.subject, ?) > 0 OR instr(r.party, ?) > 0)))"
                arguments += [query, includeRestricted, query, query]
            } else {
                sql += " WHERE 1"
            }
            sql += " AND r.day BETWEEN ? AND ? ORDER BY r.day DESC, r.id DESC LIMIT ?"
            arguments += [first, last, bounded]
            return try GRDB.Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                let restricted: Bool = row["restricted"]
                return Hit(
                    key: row["key"], direction: row["direction"], number: row["number"],
                    subject: restricted && !includeRestricted ? "" : row["subject"], party: row["party"],
                    date: CivilDate(daysSinceEpoch: row["day"]), restricted: restricted)
            }
        }
    }
}

extension String {
    fileprivate var replacingQuotes: String { String(flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) }
}
