import Foundation
import GRDB
import TambonCore

extension Store {
    /// At the hub, inside the transaction that routed changes: shares each writer's roster entry with the offices
    /// its changes now reach beyond its own (a record it shared, or an earlier change of a record another writer
    /// shared later), so those offices' replicas know who wrote them (SPEC §15.4). Otherwise they would hold the
    /// changes inert as `unknown_writer`. A scope holds at most 64 offices: the entry's own scope is filled first,
    /// then its shares (`<entry id>:<k>`, ``TambonCore/RosterEntry/shareID(of:number:)``), each the entry's fields
    /// with the writer's office and up to 63 others, so a circular to hundreds of offices reaches every one.
    func shareRoster(_ db: Database, reached: Set<ChangeWriter.Reach>) throws {
        guard !reached.isEmpty else { return }
        for (origin, offices) in RosterSharePlan.wanted(reached.map { ($0.origin, $0.office) }) {
            guard
                let office = try String.fetchOne(db, cached: "SELECT office FROM writers WHERE node_id = ?", arguments: [Data(origin.bytes)]),
                case let id = Authority.recordID(office: office, local: origin.hex),
                let held = try Store.record(db, collection: AuthorityRules.rosterCollection, id: id)
            else { continue }
            let shares = try Self.rosterShares(db, of: id).map { ($0.id, $0.number, $0.record.scope) }
            let edits = RosterSharePlan(office: office, entry: held, shares: shares).edits(reaching: offices)
            guard !edits.isEmpty else { continue }
            guard let hub = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            _ = try writeLocal(db, node: hub, edits: edits)
        }
    }

    /// The shares of the roster entry `primary`, by number.
    static func rosterShares(_ db: Database, of primary: String) throws -> [(id: String, number: Int, record: RecordSnapshot)] {
        // Share ids are `<primary>:<k>`: the range from ":" up to ";" (the next byte) holds exactly them.
        let ids = try String.fetchAll(
            db, cached: "SELECT record_id FROM records WHERE collection = ? AND record_id > ? AND record_id < ?",
            arguments: [AuthorityRules.rosterCollection, primary + ":", primary + ";"])
        return try ids.compactMap { id -> (id: String, number: Int, record: RecordSnapshot)? in
            guard RosterEntry.primaryID(of: id) == primary, let number = Int(id.dropFirst(primary.count + 1)),
                let record = try Store.record(db, collection: AuthorityRules.rosterCollection, id: id)
            else { return nil }
            return (id, number, record)
        }.sorted { $0.number < $1.number }
    }
}
