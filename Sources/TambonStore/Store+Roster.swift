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
        var wanted: [NodeID: Set<String>] = [:]
        for reach in reached where reach.office != Store.hubOffice { wanted[reach.origin, default: []].insert(reach.office) }
        let limit = ChangeValidator.maximumScope
        for (origin, offices) in wanted.sorted(by: { $0.key < $1.key }) {
            guard
                let office = try String.fetchOne(db, cached: "SELECT office FROM writers WHERE node_id = ?", arguments: [Data(origin.bytes)]),
                case let id = Authority.recordID(office: office, local: origin.hex),
                let held = try Store.record(db, collection: AuthorityRules.rosterCollection, id: id)
            else { continue }
            let shares = try Self.rosterShares(db, of: id)
            var missing = offices.subtracting(held.scope)
            for share in shares { missing.subtract(share.record.scope) }
            guard !missing.isEmpty else { continue }
            var remaining = missing.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }[...]
            var edits: [LocalEdit] = []
            /// `record` widened by as many of the remaining offices as its scope has room for.
            func widen(_ record: String, scope: [String]) {
                let taken = remaining.prefix(max(0, limit - scope.count))
                guard !taken.isEmpty else { return }
                remaining = remaining.dropFirst(taken.count)
                let widened = Set(scope).union(taken).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                // The record's earlier changes are re-delivered to the offices it joins (§6.1): the name suffices.
                edits.append(
                    LocalEdit(
                        collection: AuthorityRules.rosterCollection, record: record, set: ["name": held.fields["name"] ?? .null], scope: widened))
            }
            widen(id, scope: held.scope)
            for share in shares { widen(share.id, scope: share.record.scope) }
            var number = (shares.last?.number ?? 0) + 1
            while !remaining.isEmpty, number <= Self.maximumRosterShares {
                let taken = remaining.prefix(limit - 1)
                remaining = remaining.dropFirst(taken.count)
                let scope = ([office] + taken).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                edits.append(
                    LocalEdit(
                        collection: AuthorityRules.rosterCollection, record: RosterEntry.shareID(of: id, number: number), set: held.fields,
                        scope: scope))
                number += 1
            }
            guard let hub = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            _ = try writeLocal(db, node: hub, edits: edits)
        }
    }

    /// Shares per entry: 9,999 × 63 offices, far beyond the country's 7,850.
    static let maximumRosterShares = 9_999

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
