import Foundation
import GRDB
import TambonCore
import TambonSQLite

/// Applies the authority rules (SPEC §15) inside a store transaction: finds each writer's enrolment — this node's
/// own, the hub's, or a roster entry — asks ``TambonCore/Authority`` about each change, and keeps the `writers`
/// table in step with the roster records, judging again the changes that waited for their writer's entry.
struct AuthorityGate {
    let rules: AuthorityRules?
    private let own: Enrolment
    private let hubID: NodeID?
    private var known: [NodeID: Enrolment?] = [:]
    private let readWriter: RawStatement
    private let readRosterFields: RawStatement

    init(_ db: Database, node: NodeRow, rules: AuthorityRules?) throws {
        self.rules = rules
        readWriter = try RawStatement(db, "SELECT office, role, revoked_after_seq, legacy_seq FROM writers WHERE node_id = ?")
        readRosterFields = try RawStatement(db, "SELECT field, value FROM fields WHERE collection = ?1 AND record_id = ?2")
        if node.office == Store.hubOffice {
            own = .hub(node.id)
            hubID = node.id
        } else {
            let link = try Row.fetchOne(db, cached: "SELECT hub_id, role FROM hub_link WHERE id = 1")
            hubID = (link?["hub_id"] as Data?).flatMap { NodeID(bytes: Array($0)) }
            // Until the hub's roster entry for this node arrives, the role it enrolled with (office before joining).
            let role: NodeRole = (link?["role"] as String?) == NodeRole.survey.rawValue ? .survey : .office
            own = Enrolment(node: node.id, office: node.office, role: role)
        }
    }

    /// What the rules know of `node`: the roster's entry first (the hub's word), then this node's own or the hub.
    mutating func enrolment(of node: NodeID) throws -> Enrolment? {
        if let cached = known[node] { return cached }
        var found: Enrolment?
        try readWriter.bind(1, blob: node.bytes)
        try readWriter.query { row in
            guard let office = row.text(0), let role = row.text(1).flatMap(NodeRole.init(rawValue:)) else { return }
            found = Enrolment(
                node: node, office: office, role: role, revokedAfterSeq: row.isNull(2) ? nil : row.int64(2), legacySeq: row.int64(3))
        }
        if found == nil {
            if node == own.node {
                found = own
            } else if node == hubID {
                found = .hub(node)
            }
        }
        known[node] = found
        return found
    }

    /// Nil if the change may apply (or no rules are set); otherwise why not.
    mutating func decide(_ change: Change) throws -> AuthorityRefusal? {
        guard let rules else { return nil }
        return Authority.decide(change, writer: try enrolment(of: change.origin), rules: rules)
    }

    /// After `change` was merged: if it touched the roster, refresh that node's `writers` row and judge again the
    /// changes that waited for it. Only the hub's changes to the roster are ever merged (the rules refuse any other
    /// writer's), so the table holds the hub's word alone.
    @discardableResult
    mutating func applied(_ change: Change, db: Database, writer: ChangeWriter) throws -> [ChangeWriter.Reach] {
        guard change.collection == AuthorityRules.rosterCollection else { return [] }
        var fields: [String: JSONValue] = [:]
        try readRosterFields.bind(1, text: change.collection)
        try readRosterFields.bind(2, text: change.record)
        try readRosterFields.query { row in
            if let field = row.text(0), let text = row.text(1), let value = try? JSONValue(parsing: Array(text.utf8)) { fields[field] = value }
        }
        guard let entry = RosterEntry(recordID: change.record, fields: fields) else { return [] }
        let enrolment = entry.enrolment
        try db.execute(
            cached: """
                INSERT INTO writers (node_id, office, role, revoked_after_seq, legacy_seq) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (node_id) DO UPDATE SET office = excluded.office, role = excluded.role,
                    revoked_after_seq = excluded.revoked_after_seq, legacy_seq = excluded.legacy_seq
                """,
            arguments: [Data(enrolment.node.bytes), enrolment.office, enrolment.role.rawValue, enrolment.revokedAfterSeq, enrolment.legacySeq])
        known[enrolment.node] = enrolment
        return try releaseWaiting(from: enrolment.node, db: db, writer: writer)
    }

    /// The changes of `node` held while no roster entry named it: merged now if allowed, else marked with the
    /// reason that now applies.
    private mutating func releaseWaiting(from node: NodeID, db: Database, writer: ChangeWriter) throws -> [ChangeWriter.Reach] {
        var reached: [ChangeWriter.Reach] = []
        let waiting = try Row.fetchAll(
            db, cached: "SELECT arrival, \(ChangeRow.selection) FROM changes WHERE origin = ? AND refused = ? ORDER BY seq",
            arguments: [Data(node.bytes), AuthorityRefusal.Reason.unknownWriter.rawValue])
        for row in waiting {
            let arrival: Int64 = row[0]
            let change = try ChangeRow(row: row, after: 1).change.decoded()
            if let refusal = try decide(change) {
                try db.execute(
                    cached: "UPDATE changes SET refused = ?, refused_message = ? WHERE origin = ? AND seq = ?",
                    arguments: [refusal.code, refusal.message, Data(node.bytes), change.seq])
            } else {
                reached += try writer.release(change, operations: EncodedOperations(change.operations), arrival: arrival)
                try db.execute(
                    cached: "UPDATE changes SET refused = NULL, refused_message = NULL WHERE origin = ? AND seq = ?",
                    arguments: [Data(node.bytes), change.seq])
                reached += try applied(change, db: db, writer: writer)
            }
        }
        return reached
    }
}
