import GRDB
import Synchronization
import TambonOSS
import TambonSQLite

/// The applications report's figures per group (office, service, status), kept between requests and brought up to
/// the index incrementally: only the groups a refresh touched since are counted again.
///
/// A national report counts every application (7,850 offices × 200 is 1.57 million index rows): scanning them all
/// took about a second per request. The index marks each group a refresh step changes with the step's cursor
/// (`report_groups.touched`), so a report taken while the country syncs re-counts a few groups by seeking them in
/// the covering index. A new day counts everything again, since what is overdue depends on the date.
final class ReportTotals: Sendable {
    /// One group's figures.
    struct Figures: Sendable {
        var count = 0
        var overdue = 0
        var medianDaysToDecision: Double?
    }

    /// The figures as of an index cursor and a day.
    struct Held: Sendable {
        let cursor: Int64
        let today: Int64
        let figures: [Int64: Figures]
    }

    private let held = Mutex<Held?>(nil)

    /// Every group's figures as of the index in `db` (a read transaction, so the cursor and the facts agree), on
    /// `today` (days since 1970-01-01).
    func figures(_ db: Database, today: Int64) throws -> [Int64: Figures] {
        let cursor = try Int64.fetchOne(db, sql: "SELECT arrival FROM report_cursor")!
        let previous = held.withLock { $0 }
        var figures: [Int64: Figures]
        if let previous, previous.today == today, previous.cursor == cursor {
            return previous.figures
        } else if let previous, previous.today == today, previous.cursor < cursor {
            figures = previous.figures
            let touched = try RawStatement(db, "SELECT grp FROM report_groups INDEXED BY report_groups_by_touched WHERE touched > ?")
            try touched.bind(1, previous.cursor)
            var groups: [Int64] = []
            try touched.query { groups.append($0.int64(0)) }
            let seek = try RawStatement(
                db, "SELECT grp, decision_days, overdue_from FROM report_facts INDEXED BY report_facts_by_group WHERE grp = ? ORDER BY decision_days")
            for grp in groups {
                try seek.bind(1, grp)
                figures[grp] = try Self.count(seek, today: today)[grp] ?? Figures()
            }
        } else {
            let scan = try RawStatement(
                db, "SELECT grp, decision_days, overdue_from FROM report_facts INDEXED BY report_facts_by_group ORDER BY grp, decision_days")
            figures = try Self.count(scan, today: today)
        }
        let counted = Held(cursor: cursor, today: today, figures: figures)
        held.withLock { current in
            // Of two requests counting at once, the one that saw the later index stays.
            if let existing = current, existing.today == today, existing.cursor > cursor { return }
            current = counted
        }
        return figures
    }

    /// The figures of the groups `statement` reads: rows of (grp, decision_days, overdue_from) in group order and,
    /// within a group, in order of decision days (the covering index's order).
    static func count(_ statement: RawStatement, today: Int64) throws -> [Int64: Figures] {
        var figures: [Int64: Figures] = [:]
        var current: Int64 = -1
        var group = Figures()
        var days: [Int] = []
        func close() {
            guard current >= 0, group.count > 0 else { return }
            group.medianDaysToDecision = ApplicationReport.median(days)
            figures[current] = group
        }
        try statement.query { row in
            let grp = row.int64(0)
            if grp != current {
                close()
                current = grp
                group = Figures()
                days.removeAll(keepingCapacity: true)
            }
            group.count += 1
            if !row.isNull(1) { days.append(Int(row.int64(1))) }
            if !row.isNull(2), row.int64(2) <= today { group.overdue += 1 }
        }
        close()
        return figures
    }
}
