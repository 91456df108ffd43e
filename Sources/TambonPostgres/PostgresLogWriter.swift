import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// Writes changes into the hub's log on PostgreSQL inside one transaction, set-wise: changes, feed rows and merges
/// are gathered in memory and sent in one statement (arrays bound as parameters) when ``flush()`` runs —
/// before anything reads what they would change, and at the end. It does what `ChangeWriter` does on SQLite with
/// the same rules (SPEC §6.1 routing, §8 merge): the merge is reduced per key first (the greatest version of each
/// register, the least of each set element), which is the same state since both rules are associative.
///
/// Taking the `arrival` counter's row lock in ``init(connection:logger:)`` serialises every log writer.
final class PostgresLogWriter {
    let connection: PostgresConnection
    let logger: Logger
    /// The last arrival number taken.
    private(set) var arrival: Int64
    private let startArrival: Int64

    struct RecordKey: Hashable {
        let collection: String
        let record: String
        var home: String { PostgresStore.home(of: record) }
    }

    /// Which writers' changes the routing delivered to which offices beyond the record's owner (the hub shares
    /// their roster entries there, SPEC §15.4).
    struct Reach: Hashable {
        let origin: NodeID
        let office: String
    }

    private(set) var reached: Set<Reach> = []

    // Pending rows, in arrival order.
    private var changes = ChangeColumns()
    private var feed: [(office: String, source: String, arrival: Int64)] = []
    private var recordWinners: [RecordKey: (scope: String, version: Version)] = [:]
    private var fieldWinners: [FieldKey: (value: String, version: Version)] = [:]
    private var elementWinners: [ElementKey: (value: String, version: Version)] = [:]
    /// Each record's scope and its version as of the changes written so far (nil: no change held).
    private var scopes: [RecordKey: (scope: [String], version: Version)?] = [:]
    /// Per record, how many of its changes are held and not inert, when first needed (counts what is pending too).
    private var histories: [RecordKey: Int] = [:]

    struct FieldKey: Hashable {
        let record: RecordKey
        let field: String
    }

    struct ElementKey: Hashable {
        let record: RecordKey
        let field: String
        let element: String
    }

    init(connection: PostgresConnection, logger: Logger) async throws {
        self.connection = connection
        self.logger = logger
        var value: Int64?
        for try await counter in try await connection.execute(HotStatements.ArrivalForUpdate(), logger: logger) {
            value = counter
        }
        guard let value else { throw StoreError(.corrupt, "the hub's database has no arrival counter") }
        arrival = value
        startArrival = value
    }

    // MARK: Reads (each one first flushes what it could see)

    /// The record's current scope and version, or nil if no change to it is held.
    func state(of key: RecordKey) async throws -> (scope: [String], version: Version)? {
        if let known = scopes[key] { return known }
        var found: (scope: [String], version: Version)?
        for try await (scope, hlc, origin, seq) in try await connection.query(
            """
            SELECT scope, hlc, origin, seq FROM records WHERE office = \(key.home) AND collection = \(key.collection) AND record_id = \(key.record)
            """, logger: logger
        ).decode((String, Int64, ByteBuffer, Int64).self) {
            found = (try Self.decodeScope(scope), Version(hlc: HLC(rawValue: UInt64(bitPattern: hlc)), origin: try Self.node(origin), seq: seq))
        }
        scopes[key] = .some(found)
        return found
    }

    /// Reads the state of every record in `keys` not read yet in one query (a batch's records, before its loop).
    func prefetch(_ keys: some Sequence<RecordKey>) async throws {
        let wanted = Array(Set(keys.filter { scopes[$0] == nil }))
        guard !wanted.isEmpty else { return }
        for key in wanted { scopes[key] = .some(nil) }
        let states = HotStatements.RecordStates(offices: wanted.map(\.home), collections: wanted.map(\.collection), records: wanted.map(\.record))
        for try await (collection, record, scope, hlc, origin, seq) in try await connection.execute(states, logger: logger) {
            scopes[RecordKey(collection: collection, record: record)] = .some(
                (try Self.decodeScope(scope), Version(hlc: HLC(rawValue: UInt64(bitPattern: hlc)), origin: try Self.node(origin), seq: seq)))
        }
    }

    /// How many feed rows routing `change` would write (SPEC §6.2), as `ChangeWriter.feedRows` counts them.
    func feedRows(for change: Change, heldScope: [String]?) async throws -> Int {
        var offices = Set(change.scope)
        offices.formUnion(heldScope ?? [])
        guard let heldScope else { return offices.count }
        let joining = offices.subtracting(heldScope).count
        guard joining > 0 else { return offices.count }
        return offices.count + joining * (try await history(of: RecordKey(collection: change.collection, record: change.record)))
    }

    private func history(of key: RecordKey) async throws -> Int {
        if let known = histories[key] { return known }
        try await flush()
        var count = 0
        for try await held in try await connection.query(
            """
            SELECT count(*) FROM changes WHERE office = \(key.home) AND collection = \(key.collection) AND record_id = \(key.record) AND refused IS NULL
            """, logger: logger
        ).decode(Int64.self) {
            count = Int(held)
        }
        histories[key] = count
        return count
    }

    // MARK: Writes

    /// Appends a change that passed every check, routes it and merges it. `heldScope` is the record's scope before
    /// it (``state(of:)``).
    func insert(_ change: Change, operations: EncodedOperations, heldScope: [String]?) async throws {
        arrival += 1
        changes.append(change, operations: operations, arrival: arrival, refusal: nil)
        try await route(change, arrival: arrival, heldScope: heldScope)
        merge(change, operations: operations)
    }

    /// Holds a change the authority rules refuse: in its origin's chain, inert.
    func insertRefused(_ change: Change, operations: EncodedOperations, refusal: AuthorityRefusal) {
        arrival += 1
        changes.append(change, operations: operations, arrival: arrival, refusal: refusal)
    }

    /// A held, inert change now allowed: routed and merged at its own arrival, and marked applied.
    func release(_ change: Change, arrival held: Int64) async throws {
        let key = RecordKey(collection: change.collection, record: change.record)
        let heldScope = try await state(of: key)?.scope
        try await flush()
        try await connection.query(
            """
            UPDATE changes SET refused = NULL, refused_message = NULL
            WHERE office = \(key.home) AND origin = \(ByteBuffer(bytes: change.origin.bytes)) AND seq = \(change.seq)
            """, logger: logger)
        try await route(change, arrival: held, heldScope: heldScope)
        merge(change, operations: EncodedOperations(change.operations))
    }

    private func route(_ change: Change, arrival: Int64, heldScope: [String]?) async throws {
        let key = RecordKey(collection: change.collection, record: change.record)
        var offices = change.scope
        for office in heldScope ?? [] where !offices.contains(office) { offices.append(office) }
        if let count = histories[key] { histories[key] = count + 1 }
        for office in offices {
            let reports = !Authority.isOwned(record: change.record, by: office)
            if let heldScope, !heldScope.contains(office) {
                // The record's earlier changes first, in arrival order, then this one (SPEC §6.1).
                try await flush()
                try await connection.query(
                    """
                    INSERT INTO feed (office, source_office, arrival)
                    SELECT \(office), office, arrival FROM changes
                    WHERE office = \(key.home) AND collection = \(key.collection) AND record_id = \(key.record) AND arrival < \(arrival)
                      AND refused IS NULL
                    ORDER BY arrival
                    """, logger: logger)
                if reports {
                    for try await origin in try await connection.query(
                        """
                        SELECT DISTINCT origin FROM changes
                        WHERE office = \(key.home) AND collection = \(key.collection) AND record_id = \(key.record) AND arrival < \(arrival)
                          AND refused IS NULL
                        """, logger: logger
                    ).decode(ByteBuffer.self) {
                        reached.insert(Reach(origin: try Self.node(origin), office: office))
                    }
                }
            }
            feed.append((office, key.home, arrival))
            if reports { reached.insert(Reach(origin: change.origin, office: office)) }
        }
    }

    private func merge(_ change: Change, operations: EncodedOperations) {
        let key = RecordKey(collection: change.collection, record: change.record)
        let version = Version(hlc: change.hlc, origin: change.origin, seq: change.seq)
        if let held = scopes[key] ?? nil, held.version >= version {
            // the held scope stays
        } else {
            scopes[key] = .some((change.scope, version))
        }
        if let winner = recordWinners[key], winner.version >= version {
        } else {
            recordWinners[key] = (ChangeEncoding.scopeText(change.scope), version)
        }
        for (index, operation) in change.operations.enumerated() {
            let value = String(decoding: operations.value(at: index), as: UTF8.self)
            switch operation {
            case .set(let field, _):
                let fieldKey = FieldKey(record: key, field: field)
                if let winner = fieldWinners[fieldKey], winner.version >= version { continue }
                fieldWinners[fieldKey] = (value, version)
            case .add(let field, let id, _):
                let elementKey = ElementKey(record: key, field: field, element: id)
                if let winner = elementWinners[elementKey], winner.version <= version { continue }
                elementWinners[elementKey] = (value, version)
            }
        }
    }

    /// Sends what is pending, in one statement (``HotStatements/Flush``): the changes, their feed rows, the merged
    /// state, and the counter moved on. Under the log's lock a round trip costs more than its rows: in the national
    /// simulation's outage a bank's batch of 30 confirmations spent 14 ms of its lock in the five statements this
    /// was, one after another.
    func flush() async throws {
        guard
            !changes.isEmpty || !feed.isEmpty || !recordWinners.isEmpty || !fieldWinners.isEmpty || !elementWinners.isEmpty
                || arrival != startArrival
        else { return }
        var statement = HotStatements.Flush(changes: changes, arrival: arrival)
        statement.feed(feed)
        statement.records(recordWinners)
        statement.fields(fieldWinners)
        statement.elements(elementWinners)
        changes = ChangeColumns()
        feed.removeAll(keepingCapacity: true)
        recordWinners.removeAll(keepingCapacity: true)
        fieldWinners.removeAll(keepingCapacity: true)
        elementWinners.removeAll(keepingCapacity: true)
        _ = try await connection.execute(statement, logger: logger)
    }

    // MARK: Conversions

    static func hlc(_ version: Version) -> Int64 { Int64(bitPattern: version.hlc.rawValue) }
    static func bytes(_ node: NodeID) -> ByteBuffer { ByteBuffer(bytes: node.bytes) }

    static func node(_ buffer: ByteBuffer) throws -> NodeID {
        guard let id = NodeID(bytes: Array(buffer: buffer)) else { throw StoreError(.corrupt, "a node id in the hub's database is malformed") }
        return id
    }

    static func decodeScope(_ text: String) throws -> [String] {
        guard let values = (try? JSONValue(parsing: text))?.arrayValue else {
            throw StoreError(.corrupt, "a record's scope in the hub's database is malformed")
        }
        return values.compactMap(\.stringValue)
    }

    /// The pending changes as columns, for one `unnest` insert.
    struct ChangeColumns {
        var office: [String] = [], origin: [ByteBuffer] = [], seq: [Int64] = [], arrival: [Int64] = [], hlc: [Int64] = []
        var collection: [String] = [], record: [String] = [], scope: [String] = [], operations: [String] = []
        var previous: [ByteBuffer] = [], hash: [ByteBuffer] = [], signature: [ByteBuffer] = []
        var refused: [String] = [], refusedMessage: [String] = []

        var isEmpty: Bool { seq.isEmpty }

        mutating func append(_ change: Change, operations encoded: EncodedOperations, arrival: Int64, refusal: AuthorityRefusal?) {
            office.append(PostgresStore.home(of: change.record))
            origin.append(ByteBuffer(bytes: change.origin.bytes))
            seq.append(change.seq)
            self.arrival.append(arrival)
            hlc.append(Int64(bitPattern: change.hlc.rawValue))
            collection.append(change.collection)
            record.append(change.record)
            scope.append(ChangeEncoding.scopeText(change.scope))
            operations.append(String(decoding: encoded.bytes, as: UTF8.self))
            previous.append(ByteBuffer(bytes: change.previous ?? []))
            hash.append(ByteBuffer(bytes: change.hash))
            signature.append(ByteBuffer(bytes: change.signature))
            refused.append(refusal?.code ?? "")
            refusedMessage.append(refusal?.message ?? "")
        }
    }
}
