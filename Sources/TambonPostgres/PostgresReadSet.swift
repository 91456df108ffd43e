import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// What a read-decide-write body reads (``PostgresStore/readWrite(_:)``): the records it asks for and the bill
/// lookups it makes, learned by a rehearsal outside the log's lock (``RehearsalReads``), then answered together
/// under the lock in one statement (``HotStatements/ReadSet``), so the lock is held for a round trip rather than
/// one per read.
struct PostgresReadSet: Sendable {
    struct RecordKey: Hashable, Sendable {
        let collection: String
        let id: String
    }

    struct LinkKey: Hashable, Sendable {
        let collection: String
        let link: Store.BillLink
        let reference: String
        let office: String
    }

    var records: Set<RecordKey> = []
    var links: Set<LinkKey> = []

    var isEmpty: Bool { records.isEmpty && links.isEmpty }

    mutating func formUnion(_ other: PostgresReadSet) {
        records.formUnion(other.records)
        links.formUnion(other.links)
    }

    /// The answers read on `connection` (under the caller's lock, so they are the log's state for the body).
    struct Answers: Sendable {
        /// Every record asked for: its snapshot, or nil if the log holds no change to it.
        var records: [RecordKey: RecordSnapshot?] = [:]
        var links: [LinkKey: [String]] = [:]

        mutating func merge(_ other: Answers) {
            records.merge(other.records) { _, newer in newer }
            links.merge(other.links) { _, newer in newer }
        }
    }

    /// Bounds what one rehearsal may ask to be read ahead: a body that reads more is answered live past it.
    static let maximumRecords = 4_096
    static let maximumLinks = 1_024

    /// Everything asked, in one prepared statement (``HotStatements/ReadSet``): under the log's lock a round trip
    /// costs more than its rows (in the national simulation's outage, a bank's batch of 30 confirmations spent 20 ms
    /// of its lock in the three statements this was, each planned anew).
    func answers(_ connection: PostgresConnection, logger: Logger) async throws -> Answers {
        var answers = Answers()
        let keys = Array(records.prefix(Self.maximumRecords))
        let asked = Array(links.prefix(Self.maximumLinks))
        guard !keys.isEmpty || !asked.isEmpty else { return answers }
        let bills = asked.filter { $0.link == .bill }, awaiting = asked.filter { $0.link == .awaiting }
        var rows = SnapshotRows()
        var found: [LinkKey: [String]] = [:]
        for try await (kind, n, collection, id, name, element, value) in try await connection.execute(
            HotStatements.ReadSet(records: keys, bills: bills, awaiting: awaiting), logger: logger)
        {
            guard kind >= HotStatements.ReadSet.billKind else {
                try rows.add(kind: kind, collection: collection, id: id, name: name, element: element, value: value)
                continue
            }
            let wanted = kind == HotStatements.ReadSet.billKind ? bills : awaiting
            guard n >= 1, n <= wanted.count else { continue }
            let key = wanted[Int(n) - 1]
            if Authority.isOwned(record: id, by: key.office) { found[key, default: []].append(id) }
        }
        for key in keys { answers.records[key] = .some(rows.snapshot(key)) }
        for key in asked { answers.links[key] = (found[key] ?? []).sorted() }
        return answers
    }

    /// One record, in one statement, waiting for the answer (on a thread where waiting blocks nothing else).
    static func record(_ key: RecordKey, _ connection: PostgresConnection, logger: Logger) throws -> RecordSnapshot? {
        var rows = SnapshotRows()
        for row in try connection.query(snapshotQuery([key]), logger: logger).wait() { try rows.add(row) }
        return rows.snapshot(key)
    }

    /// Every row of `keys`' records in one statement: the record's scope (kind 0), its registers (1) and its set
    /// elements (2).
    static func snapshotQuery(_ keys: [RecordKey]) -> PostgresQuery {
        let homes = keys.map { PostgresStore.home(of: $0.id) }, collections = keys.map(\.collection), ids = keys.map(\.id)
        return """
            SELECT 0::int4, r.collection, r.record_id, r.scope, NULL::text, NULL::text FROM records r
              JOIN unnest(\(homes), \(collections), \(ids)) AS k(office, collection, record_id)
              ON r.office = k.office AND r.collection = k.collection AND r.record_id = k.record_id
            UNION ALL
            SELECT 1, f.collection, f.record_id, f.field, NULL, f.value FROM fields f
              JOIN unnest(\(homes), \(collections), \(ids)) AS k(office, collection, record_id)
              ON f.office = k.office AND f.collection = k.collection AND f.record_id = k.record_id
            UNION ALL
            SELECT 2, e.collection, e.record_id, e.field, e.element_id, e.value FROM set_elements e
              JOIN unnest(\(homes), \(collections), \(ids)) AS k(office, collection, record_id)
              ON e.office = k.office AND e.collection = k.collection AND e.record_id = k.record_id
            """
    }

    /// The ids whose register `link` names each key's reference, with the key's position (from 1); the register's
    /// name is one of ours, written into the statement so the partial index applies.
    static func linkQuery(_ keys: [LinkKey], _ link: Store.BillLink) -> PostgresQuery {
        let offices = keys.map(\.office), collections = keys.map(\.collection)
        let values = keys.map { JSONValue.string($0.reference).canonicalText }
        return """
            SELECT k.n, f.record_id FROM unnest(\(offices), \(collections), \(values)) WITH ORDINALITY AS k(office, collection, value, n)
              JOIN fields f ON f.office = k.office AND f.collection = k.collection AND f.value = k.value
            WHERE f.field = '\(unescaped: link.rawValue)'
            """
    }

    /// Folds the rows of ``snapshotQuery(_:)`` into snapshots.
    struct SnapshotRows {
        private var scopes: [RecordKey: [String]] = [:]
        private var fields: [RecordKey: [String: JSONValue]] = [:]
        private var sets: [RecordKey: [String: [String: JSONValue]]] = [:]

        mutating func add(_ row: PostgresRow) throws {
            let (kind, collection, id, name, element, value) = try row.decode((Int32, String, String, String, String?, String?).self)
            try add(kind: kind, collection: collection, id: id, name: name, element: element, value: value)
        }

        /// A row of kind 0 (the record's scope in `name`), 1 (a register) or 2 (a set element).
        mutating func add(kind: Int32, collection: String, id: String, name: String, element: String?, value: String?) throws {
            let key = RecordKey(collection: collection, id: id)
            switch kind {
            case 0: scopes[key] = try PostgresLogWriter.decodeScope(name)
            case 1: fields[key, default: [:]][name] = try PostgresStore.decodeValue(value ?? "")
            default: sets[key, default: [:]][name, default: [:]][element ?? ""] = try PostgresStore.decodeValue(value ?? "")
            }
        }

        func snapshot(_ key: RecordKey) -> RecordSnapshot? {
            scopes[key].map { RecordSnapshot(collection: key.collection, id: key.id, scope: $0, fields: fields[key] ?? [:], sets: sets[key] ?? [:]) }
        }
    }
}
