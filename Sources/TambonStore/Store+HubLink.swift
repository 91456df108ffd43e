import Foundation
import GRDB
import TambonCore

extension Store {
    /// Records the hub this node enrolled with. Refused if it already has one.
    public func saveHubLink(url: String, caPEM: String, hubID: NodeID, role: String) async throws {
        let now = configuration.wallClock()
        try await writer.write { db in
            if try Row.fetchOne(db, cached: "SELECT 1 FROM hub_link") != nil {
                throw StoreError(.alreadyJoined, "this node is already enrolled with a hub")
            }
            try HubLinkRow(url: url, caPEM: caPEM, hubID: hubID, role: role, joinedMillis: now).insert(db)
        }
    }

    /// The hub this node is enrolled with, or nil.
    public func hubLink() async throws -> HubLink? {
        try await writer.read { db in try Self.hubLink(db) }
    }

    static func hubLink(_ db: Database) throws -> HubLink? {
        try HubLinkRow.fetchOne(db, cached: "SELECT * FROM hub_link")?.link
    }

    /// Where a sync round starts, in one read (a node syncing every few seconds does this most of all).
    public func syncStart() async throws -> SyncStart {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            return SyncStart(
                node: node.info, link: try Self.hubLink(db),
                pending: max(0, node.lastSeq - (try Self.cursor(db, CursorName.acknowledged))),
                pullCursor: try Self.cursor(db, CursorName.pull))
        }
    }

    /// Records the outcome of a sync round for `node status`.
    public func recordSync(error: String?, skewMillis: Int64?) async throws {
        let now = configuration.wallClock()
        let configuration = self.configuration
        try await writer.write { db in
            if let error {
                try db.execute(cached: "UPDATE hub_link SET last_error = ?, last_error_ms = ? WHERE id = 1", arguments: [error, now])
            } else {
                try db.execute(cached: "UPDATE hub_link SET last_success_ms = ?, last_error = NULL WHERE id = 1", arguments: [now])
            }
            if let skewMillis {
                let boot = configuration.bootClock()
                try db.execute(
                    cached: "UPDATE hub_link SET skew_ms = ?, skew_wall_ms = ?, skew_boot = ?, skew_uptime_ms = ? WHERE id = 1",
                    arguments: [skewMillis, now, boot?.boot, boot?.uptimeMillis])
            }
        }
    }

    /// This node's own changes the hub has not acknowledged yet, in seq order.
    public func pendingChanges(limit: Int, after seq: Int64? = nil) async throws -> [Change] {
        try await pendingStoredChanges(limit: limit, after: seq).map(Self.decode)
    }

    /// ``pendingChanges(limit:after:)`` as stored, for sending them (`TambonProtocol.ChangeBatchWriter`).
    public func pendingStoredChanges(limit: Int, after seq: Int64? = nil) async throws -> [StoredChange] {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            let acknowledged = max(try Self.cursor(db, CursorName.acknowledged), seq ?? 0)
            let rows = try ChangeRow.fetchCursor(
                db,
                cached: """
                    SELECT \(ChangeRow.selection) FROM changes WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?
                    """, arguments: [Data(node.id.bytes), acknowledged, limit])
            return try Array(rows.map(\.change))
        }
    }

    /// How many of this node's own changes the hub has not acknowledged.
    public func pendingCount() async throws -> Int64 {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { return 0 }
            return max(0, node.lastSeq - (try Self.cursor(db, CursorName.acknowledged)))
        }
    }

    /// Records that the hub has durably accepted this node's changes up to `seq`.
    public func acknowledge(seq: Int64) async throws {
        try await writer.write { db in try Self.setCursor(db, CursorName.acknowledged, seq) }
    }
}

extension Store {
    /// Whether the hub has this node's latest change to the record (true when this node never wrote it): the
    /// application page shows it, so an officer knows what the hub and the citizen's online view already have.
    public func hubHasLatestChange(collection: String, record: String) async throws -> Bool {
        try await writer.read { db in
            guard let node = try NodeRow.fetch(db) else { return false }
            // `+origin`: found through the record's index, not by reading every change this node ever wrote.
            let latest = try Int64.fetchOne(
                db,
                cached: """
                    SELECT MAX(seq) FROM changes WHERE collection = ? AND record_id = ? AND +origin = ?
                    """, arguments: [collection, record, Data(node.id.bytes)])
            guard let latest else { return true }
            return latest <= (try Self.cursor(db, CursorName.acknowledged))
        }
    }
}
