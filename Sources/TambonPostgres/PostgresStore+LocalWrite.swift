import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

extension PostgresStore {
    /// The hub's own writes (the roster, payments, hub settings, the agency directory): one signed change per
    /// edit, chained after the hub's last, merged and routed in one transaction, as ``TambonStore/Store/transaction(_:)``
    /// writes them on SQLite. A new record's scope is the hub's own unless the edit names one.
    @discardableResult
    public func write(_ edits: [LocalEdit]) async throws -> [Change] {
        try await writerTransaction { connection in
            let writer = try await PostgresLogWriter(connection: connection, logger: logger)
            guard var node = try await HubNodeRow.fetch(connection, logger: logger, forUpdate: true) else { throw StoreError.notInitialised }
            var gate = PostgresAuthority(connection: connection, logger: logger, hub: node.id, rules: configuration.authority)
            let written = try await writeLocal(edits, writer: writer, node: &node, gate: &gate)
            try await shareRoster(writer: writer, node: &node, gate: &gate)
            try await writer.flush()
            try await node.saveHead(connection, logger: logger)
            return written
        }
    }

    /// ``write(_:)`` for one record.
    @discardableResult
    public func write(
        collection: String, record: String, set fields: [String: JSONValue] = [:], add elements: [SetElement] = [], scope: [String]? = nil
    ) async throws -> Change {
        try await write([LocalEdit(collection: collection, record: record, set: fields, add: elements, scope: scope)])[0]
    }

    /// Writes `edits` as the hub's next changes inside the caller's transaction; `firstStamp` is the first change's
    /// HLC if the caller drew it already (the stamp a read-decide-write body saw).
    func writeLocal(
        _ edits: [LocalEdit], writer: PostgresLogWriter, node: inout HubNodeRow, gate: inout PostgresAuthority, firstStamp: HLC? = nil
    ) async throws -> [Change] {
        let identity = try NodeIdentity(seed: node.seed)
        var clock = HybridLogicalClock(last: max(node.clock, firstStamp ?? .zero), maximumSkewMillis: configuration.maximumSkewMillis)
        var stamp = firstStamp
        var written: [Change] = []
        try await writer.prefetch(edits.map { .init(collection: $0.collection, record: $0.record) })
        for edit in edits {
            let hlc = stamp ?? clock.tick(wallMillis: configuration.wallClock())
            stamp = nil
            let operations: [ChangeOperation] =
                edit.fields.keys.sorted().map { .set(field: $0, value: edit.fields[$0]!) }
                + edit.elements.map { .add(field: $0.field, id: $0.id, value: $0.value) }
            let heldScope = try await writer.state(of: .init(collection: edit.collection, record: edit.record))?.scope
            let scope = edit.scope.map { Array(Set($0)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } } ?? heldScope ?? [node.office]
            let draft = Change(
                origin: node.id, seq: node.lastSeq + 1, hlc: hlc, collection: edit.collection, record: edit.record, scope: scope,
                operations: operations, previous: node.lastHash)
            let checked = try LocalWriteCheck.check(draft)
            if let refusal = try await gate.decide(draft) { throw refusal }
            let change = draft.signed(by: identity, body: checked.body)
            try await writer.insert(change, operations: checked.operations, heldScope: heldScope)
            try await gate.rosterWritten(change, writer: writer)
            node.lastSeq = change.seq
            node.lastHash = change.hash
            node.clock = hlc
            written.append(change)
        }
        return written
    }

    /// At the end of a transaction that routed changes: shares each writer's roster entry with the offices its
    /// changes reached beyond its own (``TambonStore/RosterSharePlan``, SPEC §15.4), as hub changes in the same
    /// transaction. The shares reach no one new themselves, so one pass suffices.
    func shareRoster(writer: PostgresLogWriter, node: inout HubNodeRow, gate: inout PostgresAuthority) async throws {
        let reached = writer.reached
        guard !reached.isEmpty else { return }
        try await writer.flush()
        for (origin, offices) in RosterSharePlan.wanted(reached.map { ($0.origin, $0.office) }) {
            guard let enrolment = try await gate.enrolment(of: origin), enrolment.role != .hub else { continue }
            let id = Authority.recordID(office: enrolment.office, local: origin.hex)
            guard let held = try await Self.records(writer.connection, logger: logger, collection: AuthorityRules.rosterCollection, ids: [id]).first
            else { continue }
            var shares: [(id: String, number: Int, scope: [String])] = []
            for try await (share, scope) in try await writer.connection.query(
                """
                SELECT record_id, scope FROM records WHERE office = \(Self.home(of: id)) AND collection = \(AuthorityRules.rosterCollection)
                  AND record_id > \(id + ":") AND record_id < \(id + ";")
                """, logger: logger
            ).decode((String, String).self) {
                guard RosterEntry.primaryID(of: share) == id, let number = Int(share.dropFirst(id.count + 1)) else { continue }
                shares.append((share, number, try PostgresLogWriter.decodeScope(scope)))
            }
            let edits = RosterSharePlan(office: enrolment.office, entry: held, shares: shares).edits(reaching: offices)
            guard !edits.isEmpty else { continue }
            _ = try await writeLocal(edits, writer: writer, node: &node, gate: &gate)
            try await writer.flush()
        }
    }
}
