import Foundation
import GRDB
import TambonCore

extension Store {
    /// Whether this node's clock may stamp writes now (SPEC §4.1): `node status`, `/health`.
    public func clockVerdict() async throws -> ClockCheck.Verdict {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            return try Self.clockVerdict(db, node: node, configuration: configuration)
        }
    }

    static func clockVerdict(_ db: Database, node: NodeRow, configuration: StoreConfiguration) throws -> ClockCheck.Verdict {
        ClockCheck.judge(
            wallMillis: configuration.wallClock(), boot: configuration.bootClock(), logClock: node.clock,
            measurement: try skewMeasurement(db), maximumSkewMillis: configuration.maximumSkewMillis)
    }

    /// The last skew measured against the hub, if this node has synced since it recorded them.
    static func skewMeasurement(_ db: Database) throws -> SkewMeasurement? {
        guard
            let row = try Row.fetchOne(db, cached: "SELECT skew_ms, skew_wall_ms, skew_boot, skew_uptime_ms FROM hub_link WHERE id = 1"),
            let skew: Int64 = row["skew_ms"], let wall: Int64 = row["skew_wall_ms"]
        else { return nil }
        let boot: String? = row["skew_boot"]
        let uptime: Int64? = row["skew_uptime_ms"]
        return SkewMeasurement(
            skewMillis: skew, wallMillis: wall, boot: boot.flatMap { id in uptime.map { BootInstant(boot: id, uptimeMillis: $0) } })
    }

    /// Before a local write: refuses it while the clock runs ahead of the hub's, and stamps again the changes made
    /// while it did once it is set right. Returns the node as the write must see it. The hub is the reference
    /// clock and never stamps again (its changes went out as they are).
    func clockForWrite(_ db: Database, node: NodeRow) throws -> NodeRow {
        switch try Self.clockVerdict(db, node: node, configuration: configuration) {
        case .ok:
            return node
        case .ahead(let millis):
            throw ClockAheadError(aheadMillis: millis, maximumMillis: configuration.maximumSkewMillis)
        case .stampedAhead:
            guard node.office != Store.hubOffice else { return node }
            try restampFutureChanges(db, node: node)
            guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            return node
        }
    }

    /// Stamps again, from the wall clock, this node's changes the hub has not accepted whose stamps lie beyond the
    /// skew bound (made while the clock ran ahead): from the first such change on, each gets a new stamp, is
    /// signed again and chained to the one before; a string in its values that was an old stamp (an event's `at`)
    /// becomes the new one. The records they touch are rebuilt and the node's clock comes back to the log's.
    /// Nothing else moves: the hub can hold none of these changes, since it refuses stamps beyond the bound, and the
    /// log's other changes keep theirs. Returns how many were stamped again.
    @discardableResult
    func restampFutureChanges(_ db: Database, node: NodeRow) throws -> Int {
        let wall = configuration.wallClock()
        let acknowledged = try Self.cursor(db, CursorName.acknowledged)
        let bound = HLC(millis: UInt64(clamping: max(0, wall + configuration.maximumSkewMillis)), counter: UInt16.max)
        let origin = Data(node.id.bytes)
        let first = try Int64.fetchOne(
            db, sql: "SELECT MIN(seq) FROM changes WHERE origin = ? AND seq > ? AND hlc > ?",
            arguments: [origin, acknowledged, Int64(bitPattern: bound.rawValue)])
        // The highest stamp that stays: every other change of the log (the clock never goes below a stamp it saw).
        let kept = try Int64.fetchOne(
            db, sql: "SELECT MAX(hlc) FROM changes WHERE NOT (origin = ? AND seq >= ?)", arguments: [origin, first ?? Int64.max])
        var clock = HybridLogicalClock(last: HLC(rawValue: UInt64(bitPattern: kept ?? 0)), maximumSkewMillis: configuration.maximumSkewMillis)
        guard let first else {
            // Nothing unaccepted was stamped ahead: only the node's clock comes back.
            try db.execute(sql: "UPDATE node SET clock = ? WHERE id = 1", arguments: [Int64(bitPattern: clock.last.rawValue)])
            return 0
        }
        var previous = try Data.fetchOne(db, sql: "SELECT hash FROM changes WHERE origin = ? AND seq = ?", arguments: [origin, first - 1])
            .map { Array($0) }
        let identity = try identities.identity(for: node)
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(ChangeRow.selection) FROM changes WHERE origin = ? AND seq >= ? ORDER BY seq", arguments: [origin, first])
        var renamed: [String: String] = [:]
        var touched: [(collection: String, record: String)] = []
        for row in rows {
            let old = try ChangeRow(row: row).change.decoded()
            let hlc = clock.tick(wallMillis: wall)
            renamed[old.hlc.hex] = hlc.hex
            let operations = old.operations.map { operation -> ChangeOperation in
                switch operation {
                case .set(let field, let value): .set(field: field, value: Self.restamped(value, renamed))
                case .add(let field, let id, let value): .add(field: field, id: id, value: Self.restamped(value, renamed))
                }
            }
            let draft = Change(
                origin: node.id, seq: old.seq, hlc: hlc, collection: old.collection, record: old.record, scope: old.scope,
                operations: operations, previous: previous)
            let checked = try ChangeValidator.check(draft)
            let change = draft.signed(by: identity, body: checked.body)
            try db.execute(
                sql: "UPDATE changes SET hlc = ?, ops = ?, prev = ?, hash = ?, sig = ? WHERE origin = ? AND seq = ?",
                arguments: [
                    Int64(bitPattern: hlc.rawValue), String(decoding: checked.operations.bytes, as: UTF8.self), previous.map { Data($0) },
                    Data(change.hash), Data(change.signature), origin, old.seq,
                ])
            previous = change.hash
            touched.append((old.collection, old.record))
        }
        try db.execute(
            sql: "UPDATE node SET last_hash = ?, clock = ? WHERE id = 1",
            arguments: [previous.map { Data($0) }, Int64(bitPattern: clock.last.rawValue)])
        var seen = Set<String>()
        for (collection, record) in touched where seen.insert(collection + "/" + record).inserted {
            try Self.rebuild(db, collection: collection, record: record)
        }
        return rows.count
    }

    /// `value` with every string that is one of the old stamps replaced by its new one.
    static func restamped(_ value: JSONValue, _ renamed: [String: String]) -> JSONValue {
        switch value {
        case .string(let text): .string(renamed[text] ?? text)
        case .array(let items): .array(items.map { restamped($0, renamed) })
        case .object(let members): .object(members.mapValues { restamped($0, renamed) })
        default: value
        }
    }
}
