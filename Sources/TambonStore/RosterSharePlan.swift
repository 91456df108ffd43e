import TambonCore

/// What the hub writes to share one writer's roster entry with the offices its changes now reach (SPEC §15.4),
/// whichever store it runs on: pure, given the entry, its shares and the offices wanted.
///
/// A scope holds at most 64 offices: the entry's own scope is filled first, then its existing shares
/// (`<entry id>:<k>`), then new shares, each the entry's fields with the writer's office and up to 63 others.
public struct RosterSharePlan: Sendable {
    /// Shares per entry: 9,999 × 63 offices, far beyond the country's 7,850.
    public static let maximumShares = 9_999

    /// The writer's office, its entry and the entry's shares as held.
    public let office: String
    public let entry: RecordSnapshot
    public let shares: [(id: String, number: Int, scope: [String])]

    public init(office: String, entry: RecordSnapshot, shares: [(id: String, number: Int, scope: [String])]) {
        self.office = office
        self.entry = entry
        self.shares = shares.sorted { $0.number < $1.number }
    }

    /// The edits that bring `offices` into the entry's reach; none if every one already is.
    public func edits(reaching offices: Set<String>) -> [LocalEdit] {
        let limit = ChangeValidator.maximumScope
        var missing = offices.subtracting(entry.scope)
        for share in shares { missing.subtract(share.scope) }
        guard !missing.isEmpty else { return [] }
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
                LocalEdit(collection: AuthorityRules.rosterCollection, record: record, set: ["name": entry.fields["name"] ?? .null], scope: widened))
        }
        widen(entry.id, scope: entry.scope)
        for share in shares { widen(share.id, scope: share.scope) }
        var number = (shares.last?.number ?? 0) + 1
        while !remaining.isEmpty, number <= Self.maximumShares {
            let taken = remaining.prefix(limit - 1)
            remaining = remaining.dropFirst(taken.count)
            let scope = ([office] + taken).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            edits.append(
                LocalEdit(
                    collection: AuthorityRules.rosterCollection, record: RosterEntry.shareID(of: entry.id, number: number), set: entry.fields,
                    scope: scope))
            number += 1
        }
        return edits
    }

    /// Which offices each writer's changes reached beyond its own, from (origin, office) pairs; the hub's scope is
    /// never shared into.
    public static func wanted(_ reached: some Sequence<(origin: NodeID, office: String)>) -> [(origin: NodeID, offices: Set<String>)] {
        var wanted: [NodeID: Set<String>] = [:]
        for reach in reached where reach.office != Enrolment.hubOffice { wanted[reach.origin, default: []].insert(reach.office) }
        return wanted.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
