import TambonCore
import TambonOSS
import TambonStore

/// Official numbers (`N/YYYY`), gap-free per office, series and Buddhist-Era year. The register is itself a
/// replicated record (collection `number_registers`), written in the same transaction as the decision that uses
/// the number: a node restored from the hub gets the register back and continues the sequence, and the register
/// lists every number with the application it went to.
///
/// Only the office's `office` node issues numbers: two nodes issuing from the same register while apart would
/// hand out the same number twice.
public enum NumberRegister {
    public static let collection = "number_registers"

    public static func recordID(office: String, series: String, year: Int) -> String { "\(office).\(series).\(year)" }

    /// The number the register would issue next in `series` and `year` (a read; nothing is reserved).
    static func next(in transaction: LocalTransaction, series: String, year: Int) throws -> OfficialNumber {
        let id = recordID(office: transaction.node.office, series: series, year: year)
        let stored = try transaction.record(collection: collection, id: id)?.fields["last"]
        // A register whose value is not a whole number (written by a faulty or hostile node) issues nothing.
        guard let last = stored.map({ $0.integerValue }) ?? 0, (0..<Int64(Int32.max)).contains(last) else {
            throw DamagedRecord(
                collection: collection, id: id, code: "malformed_register", th: "ทะเบียนเลขที่ของสำนักงานเสียหาย ออกเลขไม่ได้",
                en: "the number register holds something other than a count"
            ).error
        }
        return OfficialNumber(sequence: Int(last) + 1, year: year)
    }

    /// The edit that issues `number` (from ``next(in:series:year:)`` in the same transaction) to `application`;
    /// refused on any node but the office node.
    static func issue(_ number: OfficialNumber, in transaction: LocalTransaction, series: String, application: String) throws -> LocalEdit {
        let role = try transaction.role()
        guard role == .office else {
            throw OfficeError(
                .conflict, code: "not_office_node",
                th: "ออกเลขที่ได้เฉพาะที่เครื่องหลักของสำนักงาน (office node) — เครื่องนี้เป็น \(role.rawValue)",
                en: "official numbers are issued only by the office's office node; this node is the \(role.rawValue) node")
        }
        let office = transaction.node.office
        return LocalEdit(
            collection: collection, record: recordID(office: office, series: series, year: number.year),
            set: ["last": .number(Double(number.sequence)), "series": .string(series), "year": .number(Double(number.year))],
            add: [
                SetElement(
                    field: "issued", id: String(number.sequence), value: ["application": .string(application), "at": .string(transaction.stamp.hex)])
            ],
            scope: [office])
    }
}
