import Logging
import NIOCore
import PostgresNIO
import TambonCore
import TambonStore

/// The authority rules (SPEC §15) inside a hub transaction on PostgreSQL: each writer's enrolment from the
/// `writers` table (the roster's word) or the hub itself, asked of the pure ``TambonCore/Authority``; kept in step
/// with the roster records the hub writes, judging again the changes that waited for their writer's entry.
struct PostgresAuthority {
    let connection: PostgresConnection
    let logger: Logger
    let hub: NodeID
    let rules: AuthorityRules?
    private var known: [NodeID: Enrolment?] = [:]

    init(connection: PostgresConnection, logger: Logger, hub: NodeID, rules: AuthorityRules?) {
        self.connection = connection
        self.logger = logger
        self.hub = hub
        self.rules = rules
    }

    mutating func enrolment(of node: NodeID) async throws -> Enrolment? {
        if let cached = known[node] { return cached }
        var found: Enrolment?
        for try await (office, role, revoked, legacy) in try await connection.execute(
            HotStatements.WriterByNode(node: ByteBuffer(bytes: node.bytes)), logger: logger)
        {
            if let role = NodeRole(rawValue: role) {
                found = Enrolment(node: node, office: office, role: role, revokedAfterSeq: revoked, legacySeq: legacy)
            }
        }
        if found == nil, node == hub { found = .hub(node) }
        known[node] = found
        return found
    }

    /// Nil if the change may apply (or no rules are set); otherwise why not.
    mutating func decide(_ change: Change) async throws -> AuthorityRefusal? {
        guard let rules else { return nil }
        return Authority.decide(change, writer: try await enrolment(of: change.origin), rules: rules)
    }

    /// After the hub wrote a roster record: its `writers` row now says what the record says, and the changes that
    /// waited for that writer are judged again — merged if allowed, else marked with the reason that now applies.
    mutating func rosterWritten(_ change: Change, writer: PostgresLogWriter) async throws {
        guard change.collection == AuthorityRules.rosterCollection, RosterEntry.primaryID(of: change.record) == change.record else { return }
        try await writer.flush()
        let home = PostgresStore.home(of: change.record)
        var fields: [String: JSONValue] = [:]
        for try await (field, value) in try await connection.query(
            """
            SELECT field, value FROM fields WHERE office = \(home) AND collection = \(change.collection) AND record_id = \(change.record)
            """, logger: logger
        ).decode((String, String).self) {
            fields[field] = try? JSONValue(parsing: Array(value.utf8))
        }
        guard let entry = RosterEntry(recordID: change.record, fields: fields) else { return }
        let enrolment = entry.enrolment
        try await connection.query(
            """
            INSERT INTO writers (node_id, office, role, revoked_after_seq, legacy_seq)
            VALUES (\(ByteBuffer(bytes: enrolment.node.bytes)), \(enrolment.office), \(enrolment.role.rawValue), \(enrolment.revokedAfterSeq),
                    \(enrolment.legacySeq))
            ON CONFLICT (node_id) DO UPDATE SET office = excluded.office, role = excluded.role,
                revoked_after_seq = excluded.revoked_after_seq, legacy_seq = excluded.legacy_seq
            """, logger: logger)
        known[enrolment.node] = enrolment
        var waiting: [(arrival: Int64, change: Change)] = []
        for try await row in try await connection.query(
            """
            SELECT arrival, \(unescaped: PostgresStore.changeColumns) FROM changes
            WHERE origin = \(ByteBuffer(bytes: enrolment.node.bytes)) AND refused = \(AuthorityRefusal.Reason.unknownWriter.rawValue) ORDER BY seq
            """, logger: logger
        ).decode(PostgresStore.PositionedChangeRow.self) {
            waiting.append((row.0, try PostgresStore.decode(try PostgresStore.storedChange(row))))
        }
        for (arrival, held) in waiting {
            if let refusal = try await decide(held) {
                try await connection.query(
                    """
                    UPDATE changes SET refused = \(refusal.code), refused_message = \(refusal.message)
                    WHERE office = \(PostgresStore.home(of: held.record)) AND origin = \(ByteBuffer(bytes: held.origin.bytes)) AND seq = \(held.seq)
                    """, logger: logger)
            } else {
                try await writer.release(held, arrival: arrival)
            }
        }
    }
}
