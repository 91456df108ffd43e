import GRDB
import TambonCore

/// Writes verified changes into the log and merges their effects into the materialised state, inside a
/// transaction the caller owns. Local writes and remote applies both go through here, so there is one merge path.
///
/// Merge rules, as SQL upserts:
/// - the record's scope and each field are last-writer-wins registers: a row is replaced only by a write with a
///   greater (hlc, origin);
/// - a set element, once present, stays; of two adds with the same element id the one with the smaller
///   (hlc, origin) holds.
/// Both rules are commutative, associative and idempotent, so the state depends only on the set of changes held.
struct ChangeWriter {
    private let insertChange: RawStatement
    private let insertScope: RawStatement
    private let upsertRecord: RawStatement
    private let upsertFields: [RawStatement]
    private let upsertElement: RawStatement
    private let neighbours: RawStatement
    private let head: RawStatement
    private let recordScope: RawStatement

    init(_ db: Database) throws {
        insertChange = try RawStatement(db, """
            INSERT INTO changes (origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertScope = try RawStatement(db, "INSERT INTO change_scopes (office, arrival) VALUES (?, ?)")
        upsertRecord = try RawStatement(db, """
            INSERT INTO records (collection, record_id, scope, hlc, origin) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (collection, record_id) DO UPDATE
            SET scope = excluded.scope, hlc = excluded.hlc, origin = excluded.origin
            WHERE (excluded.hlc, excluded.origin) > (records.hlc, records.origin)
            """)
        // One statement per number of rows (1…fieldsPerStatement): a change's register writes go to SQLite as one
        // multi-row upsert, which costs far less than one statement per field.
        upsertFields = try (1...Self.fieldsPerStatement).map { rows in
            let values = (0..<rows).map { row -> String in
                let base = row * 2
                return "(?1, ?2, ?\(base + 5), ?\(base + 6), ?3, ?4)"
            }.joined(separator: ", ")
            return try RawStatement(db, """
                INSERT INTO fields (collection, record_id, field, value, hlc, origin) VALUES \(values)
                ON CONFLICT (collection, record_id, field) DO UPDATE
                SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin
                WHERE (excluded.hlc, excluded.origin) > (fields.hlc, fields.origin)
                """)
        }
        upsertElement = try RawStatement(db, """
            INSERT INTO set_elements (collection, record_id, field, element_id, value, hlc, origin)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (collection, record_id, field, element_id) DO UPDATE
            SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin
            WHERE (excluded.hlc, excluded.origin) < (set_elements.hlc, set_elements.origin)
            """)
        neighbours = try RawStatement(db, "SELECT seq, hash, prev FROM changes WHERE origin = ?1 AND seq BETWEEN ?2 - 1 AND ?2 + 1")
        head = try RawStatement(db, "SELECT seq, hash FROM changes WHERE origin = ? ORDER BY seq DESC LIMIT 1")
        recordScope = try RawStatement(db, "SELECT scope FROM records WHERE collection = ? AND record_id = ?")
    }

    /// What the log already holds around `change`: the change itself (same origin and seq), the one before and
    /// the one after.
    static let fieldsPerStatement = 8

    struct Neighbourhood {
        var held: [UInt8]?
        var previousHash: [UInt8]?
        var nextPrevious: [UInt8]??
    }

    func neighbourhood(of change: Change) throws -> Neighbourhood {
        var result = Neighbourhood()
        neighbours.bind(1, blob: change.origin.bytes)
        neighbours.bind(2, change.seq)
        try neighbours.query { row in
            let seq = row.int64(0)
            if seq == change.seq {
                result.held = row.blob(1)
            } else if seq == change.seq - 1 {
                result.previousHash = row.blob(1)
            } else {
                result.nextPrevious = .some(row.blob(2))
            }
        }
        return result
    }

    /// The highest seq held from `origin`, and its hash.
    func head(of origin: NodeID) throws -> (seq: Int64, hash: [UInt8])? {
        var result: (Int64, [UInt8])?
        head.bind(1, blob: origin.bytes)
        try head.query { row in result = (row.int64(0), row.blob(1) ?? []) }
        return result
    }

    /// The current scope of the record `change` writes to, or nil if the record is new here.
    func scope(of change: Change) throws -> [String]? {
        var text: String?
        recordScope.bind(1, text: change.collection)
        recordScope.bind(2, text: change.record)
        try recordScope.query { row in text = row.text(0) }
        return try text.map(Store.decodeScope)
    }

    /// Inserts a change that has been verified and checked against the log, and merges its operations.
    func insert(_ change: Change, operations: EncodedOperations, arrival: Int64) throws {
        let scope = ChangeEncoding.scopeText(change.scope)
        let hlc = Int64(bitPattern: change.hlc.rawValue)
        insertChange.bind(1, blob: change.origin.bytes)
        insertChange.bind(2, change.seq)
        insertChange.bind(3, arrival)
        insertChange.bind(4, hlc)
        insertChange.bind(5, text: change.collection)
        insertChange.bind(6, text: change.record)
        insertChange.bind(7, text: scope)
        insertChange.bind(8, text: operations.bytes[...])
        insertChange.bind(9, blob: change.previous)
        insertChange.bind(10, blob: change.hash)
        insertChange.bind(11, blob: change.signature)
        try insertChange.run()

        for office in change.scope {
            insertScope.bind(1, text: office)
            insertScope.bind(2, arrival)
            try insertScope.run()
        }

        upsertRecord.bind(1, text: change.collection)
        upsertRecord.bind(2, text: change.record)
        upsertRecord.bind(3, text: scope)
        upsertRecord.bind(4, hlc)
        upsertRecord.bind(5, blob: change.origin.bytes)
        try upsertRecord.run()

        var pendingFields: [Int] = []
        pendingFields.reserveCapacity(Self.fieldsPerStatement)
        for (index, operation) in change.operations.enumerated() {
            switch operation {
            case .set:
                pendingFields.append(index)
                if pendingFields.count == Self.fieldsPerStatement {
                    try upsert(fields: pendingFields, of: change, operations: operations, hlc: hlc)
                    pendingFields.removeAll(keepingCapacity: true)
                }
            case .add(let field, let id, _):
                upsertElement.bind(1, text: change.collection)
                upsertElement.bind(2, text: change.record)
                upsertElement.bind(3, text: field)
                upsertElement.bind(4, text: id)
                upsertElement.bind(5, text: operations.value(at: index))
                upsertElement.bind(6, hlc)
                upsertElement.bind(7, blob: change.origin.bytes)
                try upsertElement.run()
            }
        }
        if !pendingFields.isEmpty {
            try upsert(fields: pendingFields, of: change, operations: operations, hlc: hlc)
        }
    }

    /// One multi-row upsert for the `set` operations at `indices` (at most ``fieldsPerStatement``).
    private func upsert(fields indices: [Int], of change: Change, operations: EncodedOperations, hlc: Int64) throws {
        let statement = upsertFields[indices.count - 1]
        statement.bind(1, text: change.collection)
        statement.bind(2, text: change.record)
        statement.bind(3, hlc)
        statement.bind(4, blob: change.origin.bytes)
        for (row, index) in indices.enumerated() {
            statement.bind(Int32(row * 2 + 5), text: change.operations[index].field)
            statement.bind(Int32(row * 2 + 6), text: operations.value(at: index))
        }
        try statement.run()
    }
}
