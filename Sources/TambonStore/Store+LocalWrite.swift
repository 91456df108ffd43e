import Foundation
import GRDB
import TambonCore

extension Store {
    /// A local write: sets register fields and adds set elements on one record as one signed change, merged
    /// into the state in the same transaction as the log entry, the node's sequence and its clock.
    ///
    /// A new record gets the node's office as scope unless `scope` is given; an existing record keeps its scope
    /// unless `scope` is given. Fields are written in name order, then elements in the order given.
    @discardableResult
    public func write(
        collection: String, record: String, set fields: [String: JSONValue] = [:], add elements: [SetElement] = [],
        scope: [String]? = nil
    ) async throws -> Change {
        let edit = LocalEdit(collection: collection, record: record, set: fields, add: elements, scope: scope)
        return try await transaction { _ in [edit] }[0]
    }

    /// A read-decide-write transaction: `body` reads what it needs through the context (records, the node, the
    /// stamp its changes will carry) and returns the edits to make; they are written as one signed change per
    /// edit, all in one immediate transaction, so nothing another writer does can come between the reads and
    /// the writes (an official number read and incremented, an action checked against the application's state).
    /// A thrown error writes nothing.
    @discardableResult
    public func transaction(_ body: @Sendable (LocalTransaction) throws -> [LocalEdit]) async throws -> [Change] {
        let configuration = self.configuration
        return try await writer.writeWithoutTransaction { db in
            var written: [Change] = []
            try db.inTransaction(.immediate) {
                guard let held = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
                if let host = configuration.host, held.host != host {
                    throw StoreError(
                        .copiedDataDirectory,
                        "this data directory belongs to node \(held.id.short)… initialised on another machine (\(held.host)); "
                            + "writing here would make a second node with the same id and sequence numbers",
                        hint: "restore this office's node from the hub instead; if the old machine is gone for good, "
                            + "run `tambon node adopt --data DIR` once")
                }
                // A clock ahead of the hub's refuses the write; one set right again stamps anew what it stamped ahead.
                let node = try clockForWrite(db, node: held)
                // The first change's stamp is drawn before the body runs, so events the body stores can carry it.
                var clock = HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
                let stamp = clock.tick(wallMillis: configuration.wallClock())
                let edits = try body(LocalTransaction(db: db, node: node.info, stamp: stamp))
                written = try writeLocal(db, node: node, edits: edits, clock: clock, firstStamp: stamp)
                return .commit
            }
            return written
        }
    }

    /// Writes `edits` as this node's next changes, one per edit, inside the caller's transaction: signed, chained,
    /// merged, with the node's sequence and clock. `firstStamp` is the first change's HLC if the caller drew it
    /// already (from `clock`).
    func writeLocal(_ db: Database, node: NodeRow, edits: [LocalEdit], clock: HybridLogicalClock? = nil, firstStamp: HLC? = nil) throws -> [Change] {
        var clock = clock ?? HybridLogicalClock(last: node.clock, maximumSkewMillis: configuration.maximumSkewMillis)
        var stamp = firstStamp
        var gate = try AuthorityGate(db, node: node, rules: configuration.authority)
        let writer = try ChangeWriter(db, tracksReach: node.office == Store.hubOffice)
        var seq = node.lastSeq
        var previous = node.lastHash
        var written: [Change] = []
        var reached: Set<ChangeWriter.Reach> = []
        for edit in edits {
            let hlc = stamp ?? clock.tick(wallMillis: configuration.wallClock())
            stamp = nil
            seq += 1
            let change = try writeChange(
                db, edit: edit, node: node, seq: seq, previous: previous, hlc: hlc, gate: &gate, writer: writer, reached: &reached)
            previous = change.hash
            written.append(change)
        }
        if node.office == Store.hubOffice {
            try shareRoster(db, reached: reached)
        }
        return written
    }

    /// One edit as the node's change `seq`, chained to `previous`.
    private func writeChange(
        _ db: Database, edit: LocalEdit, node: NodeRow, seq: Int64, previous: [UInt8]?, hlc: HLC, gate: inout AuthorityGate,
        writer: ChangeWriter, reached: inout Set<ChangeWriter.Reach>
    ) throws -> Change {
        let collection = edit.collection
        let record = edit.record
        let operations: [ChangeOperation] =
            edit.fields.keys.sorted().map { .set(field: $0, value: edit.fields[$0]!) }
            + edit.elements.map { .add(field: $0.field, id: $0.id, value: $0.value) }
        let requestedScope = edit.scope.map { Array(Set($0)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        let heldScope = try writer.scope(collection: collection, record: record)
        let recordScope = requestedScope ?? heldScope ?? [node.office]
        let draft = Change(
            origin: node.id, seq: seq, hlc: hlc, collection: collection, record: record,
            scope: recordScope, operations: operations, previous: previous)
        // The checks every receiver makes (size included), so this node never signs a change the hub would
        // refuse and block its log behind.
        let checked = try LocalWriteCheck.check(draft)
        // The authority rules every receiver applies: a node never signs a change the hub would refuse.
        if let refusal = try gate.decide(draft) { throw refusal }
        let change = draft.signed(by: try identities.identity(for: node), body: checked.body)
        let arrival = try Int64.fetchOne(db, cached: "SELECT IFNULL(MAX(arrival), 0) + 1 FROM changes")!
        reached.formUnion(try writer.insert(change, operations: checked.operations, arrival: arrival, heldScope: heldScope))
        reached.formUnion(try gate.applied(change, db: db, writer: writer))
        try db.execute(
            cached: "UPDATE node SET last_seq = ?, last_hash = ?, clock = ? WHERE id = 1",
            arguments: [change.seq, Data(change.hash), Int64(bitPattern: hlc.rawValue)])
        return change
    }

    static func decodeScope(_ text: String) throws -> [String] {
        guard let values = (try? JSONValue(parsing: text))?.arrayValue else {
            throw StoreError(.corrupt, "a record's scope in the database is malformed: \(text)")
        }
        return values.compactMap(\.stringValue)
    }
}
