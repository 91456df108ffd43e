import GRDB
import TambonCore
import TambonSQLite

/// Writes verified changes into the log and merges their effects into the materialised state, inside a
/// transaction the caller owns. Local writes and remote applies both go through here, so there is one merge path.
///
/// Merge rules, as SQL upserts ordered by the version (hlc, origin, seq) — a total order, since (origin, seq)
/// names one change:
/// - the record's scope and each field are last-writer-wins registers: a row is replaced only by a write with a
///   greater version;
/// - a set element, once present, stays; of two adds with the same element id the one with the smaller version
///   holds.
/// Both rules are commutative, associative and idempotent, so the state depends only on the set of changes held.
struct ChangeWriter {
    private let insertChange: RawStatement
    private let insertFeed: RawStatement
    private let backfillFeed: RawStatement
    /// How many of a record's changes a backfill would re-deliver.
    private let history: RawStatement
    private let readRecord: RawStatement
    private let upsertRecord: RawStatement
    private let upsertFields: [RawStatement]
    private let upsertElement: RawStatement
    private let neighbours: RawStatement
    private let head: RawStatement
    private let insertRefusedChange: RawStatement
    private let backfillOrigins: RawStatement

    static let fieldsPerStatement = 8

    /// Whether routing reports which writers reached which other offices (``Reach``): only the hub needs it, to
    /// share roster entries.
    private let tracksReach: Bool

    init(_ db: Database, tracksReach: Bool = false) throws {
        self.tracksReach = tracksReach
        insertChange = try RawStatement(
            db,
            """
            INSERT INTO changes (origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertFeed = try RawStatement(db, "INSERT INTO feed (office, arrival) VALUES (?, ?)")
        backfillFeed = try RawStatement(
            db,
            """
            INSERT INTO feed (office, arrival)
            SELECT ?1, arrival FROM changes
            WHERE collection = ?2 AND record_id = ?3 AND arrival < ?4 AND refused IS NULL ORDER BY arrival
            """)
        history = try RawStatement(db, "SELECT count(*) FROM changes WHERE collection = ? AND record_id = ? AND refused IS NULL")
        readRecord = try RawStatement(db, "SELECT scope FROM records WHERE collection = ? AND record_id = ?")
        upsertRecord = try RawStatement(
            db,
            """
            INSERT INTO records (collection, record_id, scope, hlc, origin, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (collection, record_id) DO UPDATE
            SET scope = excluded.scope, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
            WHERE (excluded.hlc, excluded.origin, excluded.seq) > (records.hlc, records.origin, records.seq)
            """)
        // One statement per number of rows (1…fieldsPerStatement): a change's register writes go to SQLite as one
        // multi-row upsert, which costs far less than one statement per field.
        upsertFields = try (1...Self.fieldsPerStatement).map { rows in
            let values = (0..<rows).map { row -> String in
                let base = row * 2
                return "(?1, ?2, ?\(base + 6), ?\(base + 7), ?3, ?4, ?5)"
            }.joined(separator: ", ")
            return try RawStatement(
                db,
                """
                INSERT INTO fields (collection, record_id, field, value, hlc, origin, seq) VALUES \(values)
                ON CONFLICT (collection, record_id, field) DO UPDATE
                SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
                WHERE (excluded.hlc, excluded.origin, excluded.seq) > (fields.hlc, fields.origin, fields.seq)
                """)
        }
        upsertElement = try RawStatement(
            db,
            """
            INSERT INTO set_elements (collection, record_id, field, element_id, value, hlc, origin, seq)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT (collection, record_id, field, element_id) DO UPDATE
            SET value = excluded.value, hlc = excluded.hlc, origin = excluded.origin, seq = excluded.seq
            WHERE (excluded.hlc, excluded.origin, excluded.seq) < (set_elements.hlc, set_elements.origin, set_elements.seq)
            """)
        backfillOrigins = try RawStatement(
            db, "SELECT DISTINCT origin FROM changes WHERE collection = ?1 AND record_id = ?2 AND arrival < ?3 AND refused IS NULL")
        insertRefusedChange = try RawStatement(
            db,
            """
            INSERT INTO changes (origin, seq, arrival, hlc, collection, record_id, scope, ops, prev, hash, sig, refused, refused_message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        neighbours = try RawStatement(
            db, "SELECT seq, hash, prev, refused, refused_message FROM changes WHERE origin = ?1 AND seq BETWEEN ?2 - 1 AND ?2 + 1")
        head = try RawStatement(db, "SELECT seq, hash FROM changes WHERE origin = ? ORDER BY seq DESC LIMIT 1")
    }

    /// What the log already holds around `change`: the change itself (same origin and seq), the one before and
    /// the one after.
    struct Neighbourhood {
        var held: [UInt8]?
        /// Why the held change is inert, if the authority rules refused it.
        var heldRefusal: (code: String, message: String)?
        var previousHash: [UInt8]?
        var nextPrevious: [UInt8]??
    }

    func neighbourhood(of change: Change) throws -> Neighbourhood {
        var result = Neighbourhood()
        try neighbours.bind(1, blob: change.origin.bytes)
        try neighbours.bind(2, change.seq)
        try neighbours.query { row in
            let seq = row.int64(0)
            if seq == change.seq {
                result.held = row.blob(1)
                if let code = row.text(3) { result.heldRefusal = (code, row.text(4) ?? code) }
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
        try head.bind(1, blob: origin.bytes)
        try head.query { row in result = (row.int64(0), row.blob(1) ?? []) }
        return result
    }

    /// The current scope of the record `change` writes to, or nil if the record is new here.
    func scope(of change: Change) throws -> [String]? {
        try scope(collection: change.collection, record: change.record)
    }

    /// The current scope of a record, or nil if no change to it is held.
    func scope(collection: String, record: String) throws -> [String]? {
        var text: String?
        try readRecord.bind(1, text: collection)
        try readRecord.bind(2, text: record)
        try readRecord.query { row in text = row.text(0) }
        return try text.map(Store.decodeScope)
    }

    /// Inserts a change that has been verified and checked against the log, routes it, and merges its operations.
    /// `heldScope` is the record's scope before this change (from ``scope(of:)``; nil for a new record).
    /// Returns which writers' changes the routing delivered to which offices (``Reach``).
    @discardableResult
    func insert(_ change: Change, operations: EncodedOperations, arrival: Int64, heldScope: [String]?) throws -> [Reach] {
        let scope = ChangeEncoding.scopeText(change.scope)
        try bindChange(insertChange, change, operations: operations, arrival: arrival, scope: scope)
        try insertChange.run()
        let reached = try route(change, arrival: arrival, heldScope: heldScope)
        try merge(change, operations: operations, scope: scope)
        return reached
    }

    /// A writer whose change the feed now delivers to an office (its own, a backfilled earlier one).
    struct Reach: Hashable {
        let origin: NodeID
        let office: String
    }

    /// Holds a change the authority rules refuse: in its origin's chain, so later changes still follow it, but
    /// inert — not merged, and in no office's feed.
    func insertRefused(_ change: Change, operations: EncodedOperations, arrival: Int64, refusal: AuthorityRefusal) throws {
        try bindChange(insertRefusedChange, change, operations: operations, arrival: arrival, scope: ChangeEncoding.scopeText(change.scope))
        try insertRefusedChange.bind(12, text: refusal.code)
        try insertRefusedChange.bind(13, text: refusal.message)
        try insertRefusedChange.run()
    }

    /// A held, inert change now allowed (its writer's roster entry arrived): routed and merged as if it had just
    /// arrived. Merging is order-independent, so late is as good as on time.
    @discardableResult
    func release(_ change: Change, operations: EncodedOperations, arrival: Int64) throws -> [Reach] {
        let heldScope = try scope(of: change)
        let reached = try route(change, arrival: arrival, heldScope: heldScope)
        try merge(change, operations: operations)
        return reached
    }

    private func bindChange(_ statement: RawStatement, _ change: Change, operations: EncodedOperations, arrival: Int64, scope: String) throws {
        try statement.bind(1, blob: change.origin.bytes)
        try statement.bind(2, change.seq)
        try statement.bind(3, arrival)
        try statement.bind(4, Int64(bitPattern: change.hlc.rawValue))
        try statement.bind(5, text: change.collection)
        try statement.bind(6, text: change.record)
        try statement.bind(7, text: scope)
        try statement.bind(8, text: operations.bytes[...])
        try statement.bind(9, blob: change.previous)
        try statement.bind(10, blob: change.hash)
        try statement.bind(11, blob: change.signature)
    }

    /// Merges a change's scope and operations into the record's state (the log entry is the caller's).
    func merge(_ change: Change, operations: EncodedOperations, scope: String? = nil) throws {
        let scope = scope ?? ChangeEncoding.scopeText(change.scope)
        let hlc = Int64(bitPattern: change.hlc.rawValue)
        try upsertRecord.bind(1, text: change.collection)
        try upsertRecord.bind(2, text: change.record)
        try upsertRecord.bind(3, text: scope)
        try upsertRecord.bind(4, hlc)
        try upsertRecord.bind(5, blob: change.origin.bytes)
        try upsertRecord.bind(6, change.seq)
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
                try upsertElement.bind(1, text: change.collection)
                try upsertElement.bind(2, text: change.record)
                try upsertElement.bind(3, text: field)
                try upsertElement.bind(4, text: id)
                try upsertElement.bind(5, text: operations.value(at: index))
                try upsertElement.bind(6, hlc)
                try upsertElement.bind(7, blob: change.origin.bytes)
                try upsertElement.bind(8, change.seq)
                try upsertElement.run()
            }
        }
        if !pendingFields.isEmpty {
            try upsert(fields: pendingFields, of: change, operations: operations, hlc: hlc)
        }
    }

    /// How many feed rows routing `change` would write (SPEC §6.2): one per office in its scope and its record's
    /// held scope, plus, for each office new to the record, one per earlier change of the record not held inert.
    func feedRows(for change: Change, heldScope: [String]?) throws -> Int {
        var offices = Set(change.scope)
        offices.formUnion(heldScope ?? [])
        guard let heldScope else { return offices.count }
        let joining = offices.subtracting(heldScope).count
        guard joining > 0 else { return offices.count }
        try history.bind(1, text: change.collection)
        try history.bind(2, text: change.record)
        var earlier = 0
        try history.query { earlier = Int($0.int64(0)) }
        return offices.count + joining * earlier
    }

    /// Feed rows for `change`: every office in its scope and in its record's scope before and after it. An office
    /// that was not in the record's scope before first receives the record's earlier changes, so it holds
    /// everything that decides the record (SPEC §6.1).
    private func route(_ change: Change, arrival: Int64, heldScope: [String]?) throws -> [Reach] {
        // The scope after this change is either the change's (if it wins) or the one before: both are covered.
        var offices = change.scope
        for office in heldScope ?? [] where !offices.contains(office) { offices.append(office) }
        var reached: [Reach] = []
        for office in offices {
            let reports = tracksReach && !Authority.isOwned(record: change.record, by: office)
            if let heldScope, !heldScope.contains(office) {
                try backfillFeed.bind(1, text: office)
                try backfillFeed.bind(2, text: change.collection)
                try backfillFeed.bind(3, text: change.record)
                try backfillFeed.bind(4, arrival)
                try backfillFeed.run()
                if reports {
                    try backfillOrigins.bind(1, text: change.collection)
                    try backfillOrigins.bind(2, text: change.record)
                    try backfillOrigins.bind(3, arrival)
                    try backfillOrigins.query { row in
                        if let origin = row.blob(0).flatMap(NodeID.init(bytes:)) { reached.append(Reach(origin: origin, office: office)) }
                    }
                }
            }
            try insertFeed.bind(1, text: office)
            try insertFeed.bind(2, arrival)
            try insertFeed.run()
            if reports { reached.append(Reach(origin: change.origin, office: office)) }
        }
        return reached
    }

    /// One multi-row upsert for the `set` operations at `indices` (at most ``fieldsPerStatement``).
    private func upsert(fields indices: [Int], of change: Change, operations: EncodedOperations, hlc: Int64) throws {
        let statement = upsertFields[indices.count - 1]
        try statement.bind(1, text: change.collection)
        try statement.bind(2, text: change.record)
        try statement.bind(3, hlc)
        try statement.bind(4, blob: change.origin.bytes)
        try statement.bind(5, change.seq)
        for (row, index) in indices.enumerated() {
            try statement.bind(Int32(row * 2 + 6), text: change.operations[index].field)
            try statement.bind(Int32(row * 2 + 7), text: operations.value(at: index))
        }
        try statement.run()
    }
}
