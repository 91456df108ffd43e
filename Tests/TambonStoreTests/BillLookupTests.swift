import GRDB
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

/// The lookup of the receipts and payments that name a bill: right answers, by office, and through its partial
/// indexes (a scan here made every bank confirmation slower than the last).
@Suite struct BillLookupTests {
    @Test func recordsNamingABillAreFoundByIndexAndByOffice() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: Store.hubOffice, name: "hub")
        try await store.transaction { _ in
            [
                LocalEdit(collection: "payments", record: "5001.p-scb-T1", set: ["bill": "6911A0001", "awaiting": .null], scope: ["5001"]),
                LocalEdit(collection: "payments", record: "5001.p-scb-T2", set: ["bill": .null, "awaiting": "6911A0002"], scope: ["5001"]),
                LocalEdit(collection: "payments", record: "5002.p-scb-T3", set: ["bill": "6911A0001"], scope: ["5002"]),
                LocalEdit(collection: "receipts", record: "5001.R2570-1", set: ["bill": "6911A0001"], scope: ["5001"]),
            ]
        }
        #expect(try await store.recordIDs(collection: "payments", .bill, "6911A0001", office: "5001") == ["5001.p-scb-T1"])
        #expect(try await store.recordIDs(collection: "payments", .awaiting, "6911A0002", office: "5001") == ["5001.p-scb-T2"])
        #expect(try await store.recordIDs(collection: "receipts", .bill, "6911A0001", office: "5001") == ["5001.R2570-1"])
        #expect(try await store.recordIDs(collection: "payments", .bill, "6911A0002", office: "5001").isEmpty)
        for (link, index) in [(Store.BillLink.bill, "fields_by_bill"), (.awaiting, "fields_by_awaited_bill")] {
            let detail = try await store.writer.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + Store.billLookup(link),
                    arguments: ["payments", "\"x\""]
                ).map { $0["detail"] as String? ?? "" }.joined(separator: " ")
            }
            #expect(detail.contains(index), "\(link): \(detail)")
        }
    }
}
