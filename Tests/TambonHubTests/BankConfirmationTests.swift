import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TambonCore
import TambonHub
import TambonOSS
import TambonProtocol
import TambonStore
import TambonWebKit
import Testing

/// Bank confirmations at the hub through the router test client: HMAC before anything, idempotence on the bank's
/// transaction id, the match against the bill as the hub holds it, a confirmation waiting for its bill, review
/// reasons, and hostile bodies that store nothing.
@Suite struct BankConfirmationTests {
    static let secret = Array("a bank secret of 32 bytes, or so!".utf8)
    static let billerID = "099400016550100"

    struct Hub {
        let store: Store
        let desk: PaymentDesk
        let application: Application<RouterResponder<TambonRequestContext>>
        let directory: URL

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tambon-banks-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try BankRegistry.add(name: "scb", secret: BankConfirmationTests.secret, directory: directory.path, now: 0)
            store = try Store.inMemory()
            try await store.initialiseNode(office: Store.hubOffice, name: "hub")
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            desk = PaymentDesk(store: store, banks: BankRegistry(directory: directory.path), logger: logger)
            let router = Router(context: TambonRequestContext.self)
            BankController(desk: desk, logger: logger).addRoutes(to: router)
            application = Application(router: router)
            // What office 5001's node pushed: its settings (the biller ID) and October's bill of payer A0001.
            try await store.write(
                collection: "office_settings", record: "5001",
                set: ["settings": ["billing": ["tax_id": "0994000165501", "biller_suffix": "00"]]], scope: ["5001"])
            try await addBill("A0001")
        }

        func addBill(_ payer: String) async throws {
            let bill = Bill(
                reference: "6910" + payer, reference2: "256910", payer: payer, application: nil, period: BillingPeriod("2569-10"),
                lines: [.init(kind: "garbage", label: "ค่าขยะ", amount: Money(satang: 2000))], arrears: .zero, carried: [],
                issued: CivilDate(iso: "2026-10-01")!, due: CivilDate(iso: "2026-10-16")!, check: "K7M2Q9")
            try await store.write(collection: Bill.collection, record: "5001." + bill.reference, set: bill.fields, scope: ["5001"])
        }

        func post(
            _ body: [UInt8], bank: String? = "scb", signature: String? = nil, client: some TestClientProtocol
        ) async throws -> (Int, [String: JSONValue]) {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if let bank { headers[HTTPField.Name("Tambon-Bank")!] = bank }
            headers[HTTPField.Name("Tambon-Signature")!] = signature ?? BankRegistry.signature(of: body, secret: BankConfirmationTests.secret)
            return try await client.execute(uri: BankController.path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                (Int(response.status.code), (try? JSONValue(parsing: Array(buffer: response.body)))?.objectValue ?? [:])
            }
        }
    }

    static func confirmation(_ id: String, ref1: String = "6910A0001", amount: String = "20.00", biller: String = billerID) -> [UInt8] {
        let value: JSONValue = [
            "transactionId": .string(id), "amount": .string(amount), "transactionDateandTime": "2026-10-05T09:30:00+07:00",
            "currencyCode": "764", "payeeProxyId": .string(biller), "billPaymentRef1": .string(ref1), "billPaymentRef2": "256910",
            "payerName": "สมศรี ใจดี", "sendingBankCode": "014", "receivingBankCode": "014",
        ]
        return Array(value.canonicalText.utf8)
    }

    func payment(_ hub: Hub, _ id: String) async throws -> (match: String, bill: String?, scope: [String])? {
        guard let record = try await hub.store.record(collection: BankPayment.collection, id: id) else { return nil }
        return (record.fields["match"]?.stringValue ?? "", record.fields["bill"]?.stringValue, record.scope)
    }

    @Test func aSignedConfirmationIsMatchedOnceAndARetryChangesNothing() async throws {
        let hub = try await Hub()
        try await hub.application.test(.router) { client in
            let (status, body) = try await hub.post(Self.confirmation("T1"), client: client)
            #expect(status == 200 && body["resCode"] == "00" && body["transactionId"] == "T1" && body["match"] == "matched")
            let stored = try #require(try await payment(hub, "5001.p-scb-T1"))
            #expect(stored.match == "matched" && stored.bill == "6910A0001" && stored.scope == ["5001"])
            let changes = try await hub.store.statistics().changes
            let (again, replay) = try await hub.post(Self.confirmation("T1"), client: client)
            #expect(again == 200 && replay["resCode"] == "00" && replay["replayed"] == true && replay["match"] == "matched")
            #expect(try await hub.store.statistics().changes == changes, "a retry writes nothing")
            // The same bill paid again by another transaction: recorded, for review, never dropped.
            let (_, second) = try await hub.post(Self.confirmation("T2"), client: client)
            #expect(second["match"] == "already_paid")
        }
    }

    @Test func aWrongOrMissingSignatureIsRefusedAndNothingIsStored() async throws {
        let hub = try await Hub()
        let changes = try await hub.store.statistics().changes
        try await hub.application.test(.router) { client in
            let body = Self.confirmation("T1")
            #expect(try await hub.post(body, signature: String(repeating: "0", count: 64), client: client).0 == 401)
            #expect(try await hub.post(body, signature: BankRegistry.signature(of: body + [0x20], secret: Self.secret), client: client).0 == 401)
            #expect(try await hub.post(body, bank: "ktb", client: client).0 == 401, "a bank not added")
            #expect(try await hub.post(body, bank: nil, client: client).0 == 401)
            #expect(try await hub.post(body, signature: "zz", client: client).0 == 401)
            // Signed, but not a confirmation: 400, nothing stored.
            for hostile in [Array("not json".utf8), Self.confirmation("T9", amount: "1e300"), Self.confirmation("T9", ref1: "drop table")] {
                let (status, reply) = try await hub.post(hostile, client: client)
                #expect(status == 400 && reply["resCode"] == "400")
            }
            #expect(try await hub.post([UInt8](repeating: 0x20, count: BankConfirmation.maximumBytes + 1), client: client).0 == 413)
        }
        #expect(try await hub.store.statistics().changes == changes)
    }

    @Test func aConfirmationBeforeItsBillWaitsAndMatchesWhenTheBillArrives() async throws {
        let hub = try await Hub()
        try await hub.application.test(.router) { client in
            let (_, body) = try await hub.post(Self.confirmation("T3", ref1: "6910A0002"), client: client)
            #expect(body["match"] == "waiting")
            #expect(try await payment(hub, "5001.p-scb-T3")?.bill == nil)
            try await hub.addBill("A0002")
            #expect(try await hub.desk.billsArrived(office: "5001", references: ["6910A0002"]) == 1)
            let stored = try #require(try await payment(hub, "5001.p-scb-T3"))
            #expect(stored.match == "matched" && stored.bill == "6910A0002")
            #expect(try await hub.desk.billsArrived(office: "5001", references: ["6910A0002"]) == 0, "matched once")
            // A wrong amount and an unknown biller are recorded for review, never dropped.
            let (_, wrong) = try await hub.post(Self.confirmation("T4", amount: "19.99"), client: client)
            #expect(wrong["match"] == "amount_mismatch")
            let (_, stranger) = try await hub.post(Self.confirmation("T5", biller: "010553611201400"), client: client)
            #expect(stranger["match"] == "unknown_biller")
            #expect(try await payment(hub, "hub.p-scb-T5")?.scope == ["hub"])
            // The office whose biller ID it is syncs its settings: the parked payment moves into its scope (and
            // waits for its bill there); the parked record stays, naming where it went.
            try await hub.store.write(
                collection: "office_settings", record: "5002",
                set: ["settings": ["billing": ["tax_id": "0105536112014", "biller_suffix": "00"]]], scope: ["5002"])
            #expect(try await hub.desk.settingsArrived() == 1)
            #expect(try await payment(hub, "5002.p-scb-T5")?.match == "waiting")
            #expect(try await hub.store.record(collection: BankPayment.collection, id: "hub.p-scb-T5")?.fields["moved_to"] == "5002.p-scb-T5")
            let (_, retried) = try await hub.post(Self.confirmation("T5", biller: "010553611201400"), client: client)
            #expect(retried["replayed"] == true && retried["match"] == "waiting")
            #expect(try await hub.desk.settingsArrived() == 0, "moved once")
        }
    }

    @Test func aBillPaidInCashAtTheHubIsAlreadyPaidForTheBank() async throws {
        let hub = try await Hub()
        let receipt = Receipt(number: OfficialNumber(sequence: 1, year: 2570), bill: "6910A0001", amount: Money(satang: 2000), at: 1, staff: "somsri")
        try await hub.store.write(collection: Receipt.collection, record: "5001.R2570-1", set: receipt.fields, scope: ["5001"])
        try await hub.application.test(.router) { client in
            let (_, body) = try await hub.post(Self.confirmation("T6"), client: client)
            #expect(body["match"] == "already_paid")
        }
    }
}
