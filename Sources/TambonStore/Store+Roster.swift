import Foundation
import GRDB
import TambonCore

extension Store {
    /// At the hub, inside the transaction that routed changes: shares each writer's roster entry with the offices
    /// its changes now reach beyond its own (a record it shared, or an earlier change of a record another writer
    /// shared later), so those offices' replicas know who wrote them (SPEC §15.4). Otherwise they would hold the
    /// changes inert as `unknown_writer`. An entry's scope is a record scope: it reaches at most 64 offices.
    func shareRoster(_ db: Database, reached: Set<ChangeWriter.Reach>) throws {
        guard !reached.isEmpty else { return }
        var wanted: [NodeID: Set<String>] = [:]
        for reach in reached where reach.office != Store.hubOffice { wanted[reach.origin, default: []].insert(reach.office) }
        for (origin, offices) in wanted.sorted(by: { $0.key < $1.key }) {
            guard
                let office = try String.fetchOne(db, cached: "SELECT office FROM writers WHERE node_id = ?", arguments: [Data(origin.bytes)]),
                case let id = Authority.recordID(office: office, local: origin.hex),
                let held = try Store.record(db, collection: AuthorityRules.rosterCollection, id: id)
            else { continue }
            guard !offices.isSubset(of: held.scope) else { continue }
            var scope = Set(held.scope).union(offices).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            if scope.count > ChangeValidator.maximumScope {
                scope = [office] + scope.filter { $0 != office }.prefix(ChangeValidator.maximumScope - 1)
            }
            guard let hub = try NodeRow.fetch(db) else { throw StoreError.notInitialised }
            _ = try writeLocal(
                db, node: hub,
                edits: [LocalEdit(collection: AuthorityRules.rosterCollection, record: id, set: ["name": held.fields["name"] ?? .null], scope: scope)]
            )
        }
    }
}
