/// The applications report computed from facts in memory: the definition of each figure, which the hub's SQL
/// index (`ReportIndex`) is tested against. Rows are ordered by office, service, status.
public enum ApplicationReport {
    public static func rows(
        from facts: [ReportFact], filter: ReportFilter = ReportFilter(), on today: CivilDate,
        dataAsOf: [String: Int64] = [:]
    ) -> [ReportRow] {
        struct Key: Hashable, Comparable {
            let office: String, service: String, status: String
            static func < (a: Key, b: Key) -> Bool { (a.office, a.service, a.status) < (b.office, b.service, b.status) }
        }
        var groups: [Key: (count: Int, overdue: Int, days: [Int])] = [:]
        for fact in facts where filter.includes(fact) {
            let key = Key(office: fact.office, service: fact.service, status: fact.status)
            var group = groups[key] ?? (0, 0, [])
            group.count += 1
            if fact.isOverdue(on: today) { group.overdue += 1 }
            if let days = fact.daysToDecision { group.days.append(days) }
            groups[key] = group
        }
        return groups.keys.sorted().map { key in
            let group = groups[key]!
            return ReportRow(
                office: key.office, service: key.service, status: key.status, count: group.count, overdue: group.overdue,
                medianDaysToDecision: median(group.days.sorted()), dataAsOfMillis: dataAsOf[key.office])
        }
    }

    /// The median of sorted values: the middle one, or the mean of the two middle ones; nil for none.
    public static func median(_ sorted: [Int]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Applications submitted per month (`YYYY-MM`) and service, for the chart.
    public static func monthly(_ facts: [ReportFact], filter: ReportFilter = ReportFilter()) -> [String: [String: Int]] {
        var months: [String: [String: Int]] = [:]
        for fact in facts where filter.includes(fact) {
            months[String(fact.submittedOn.iso.prefix(7)), default: [:]][fact.service, default: 0] += 1
        }
        return months
    }
}
