import Foundation
import TambonCore
import TambonHub
import TambonTestSupport
import Testing

/// Fee payments with real processes: a hub serving HTTPS, an office node syncing with it, and a bank POSTing signed
/// confirmations with curl. Duplicates, a confirmation before its bill reached the hub, an amount that differs, a bad
/// HMAC, and a bill paid in cash offline and then by the bank; each ends with nothing lost or doubled and the office
/// node showing the right state after sync.
@Suite(.serialized) struct FeePaymentEndToEndTests {
    static let secret = "scb-shared-secret-for-the-e2e-test"

    struct Bank {
        let url: String
        let ca: String

        /// POSTs a confirmation signed with `secret`; the status and the answer.
        func confirm(
            _ id: String, ref1: String, amount: String, secret: String = FeePaymentEndToEndTests.secret, biller: String = "099400016550100"
        ) throws -> (Int, [String: JSONValue]) {
            let body: JSONValue = [
                "transactionId": .string(id), "amount": .string(amount), "transactionDateandTime": "2026-11-05T09:30:00+07:00",
                "currencyCode": "764", "payeeProxyId": .string(biller), "billPaymentRef1": .string(ref1), "billPaymentRef2": "256911",
                "payerName": "นางสมศรี ใจดี", "sendingBankCode": "014", "receivingBankCode": "014",
            ]
            let text = body.canonicalText
            let signature = BankRegistry.signature(of: Array(text.utf8), secret: Array(secret.utf8))
            let (status, answer) = try CLI.curl(
                [
                    "-X", "POST", "-H", "Content-Type: application/json", "-H", "Tambon-Bank: scb", "-H", "Tambon-Signature: \(signature)",
                    "--data-binary", text, url + "/v1/bank/confirmations",
                ], ca: ca)
            return (status, (try? JSONValue(parsing: answer))?.objectValue ?? [:])
        }
    }

    @Test func bankConfirmationsReachTheOfficeWithNothingLostOrDoubled() throws {
        let root = temporaryDirectory("tambon-fees")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub", office = root + "/office"
        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        let added = try CLI.run(["hub", "bank", "add", "--data", hubDir, "--name", "scb", "--secret-stdin"], input: Self.secret + "\n")
        #expect(added.status == 0 && !added.stdout.contains(Self.secret), "\(added.stderr)")
        #expect(try CLI.run("hub", "bank", "list", "--data", hubDir).stdout.contains("scb"))
        let hub = try HubProcess(data: hubDir)
        defer { hub.stop() }
        let bank = Bank(url: hub.url, ca: hubDir + "/hub-ca.pem")

        let token = try CLI.run("hub", "token", "--data", hubDir, "--office", "6500101").stdout.trimmingCharacters(in: .newlines)
        #expect(try CLI.run("node", "init", "--data", office, "--office", "6500101").status == 0)
        #expect(try CLI.run("node", "join", "--data", office, "--hub", hub.url, "--token", token, "--ca", bank.ca).status == 0)
        try #"{"billing": {"tax_id": "0994000165501", "biller_suffix": "00"}}"#.write(
            toFile: root + "/settings.json", atomically: true, encoding: .utf8)
        let settings = try CLI.run("node", "settings", "--data", office, "--set", root + "/settings.json")
        #expect(settings.status == 0, "\(settings.stderr)")
        #expect(try CLI.run("node", "sync", "--data", office).status == 0, "the hub learns the office's biller ID")
        try """
        code,name,house_no,village,services,rate_class,starts
        A0001,นางสมศรี ใจดี,12,3,ขยะ,household,2025-01-01
        A0002,นายชัย ดีงาม,14,3,ขยะ,household,2025-01-01
        A0003,ร้านดีใจ,15,4,ขยะ,household,2025-01-01
        """.write(toFile: root + "/payers.csv", atomically: true, encoding: .utf8)
        let imported = try CLI.run("fees", "import-payers", "--data", office, root + "/payers.csv")
        #expect(imported.status == 0 && imported.stdout.contains("added 3"), "\(imported.stderr)")
        let run = try CLI.run("fees", "billing-run", "--data", office, "--period", "2569-11")
        #expect(run.status == 0 && run.stdout.contains("issued 3"), "\(run.stdout) \(run.stderr)")
        #expect(try CLI.run("fees", "billing-run", "--data", office, "--period", "2569-11").stdout.contains("issued 0"), "a second run bills nothing")

        // Before the bills reached the hub: the bank's confirmation waits, and is answered as recorded.
        let (early, waiting) = try bank.confirm("T1", ref1: "6911A0001", amount: "20.00")
        #expect(early == 200 && waiting["resCode"] == "00" && waiting["match"] == "waiting")
        // A bad HMAC: 401, and nothing stored (T9 never appears anywhere).
        #expect(try bank.confirm("T9", ref1: "6911A0002", amount: "20.00", secret: "not the bank's secret").0 == 401)
        // Cash at the counter for A0003 while the node has not synced.
        #expect(try CLI.run("fees", "cash", "--data", office, "--bill", "6911A0003", "--amount", "20").stdout.contains("receipt 1/2570"))
        let (_, beforeCash) = try bank.confirm("T3", ref1: "6911A0003", amount: "20.00")
        #expect(beforeCash["match"] == "waiting")

        let sync = try CLI.run("node", "sync", "--data", office)
        #expect(sync.status == 0, "\(sync.stderr)")
        // The bills arrived: T1 matched; the retry gets the same answer and changes nothing.
        let (_, retry) = try bank.confirm("T1", ref1: "6911A0001", amount: "20.00")
        #expect(retry["match"] == "matched" && retry["replayed"] == true)
        let (_, mismatch) = try bank.confirm("T2", ref1: "6911A0002", amount: "19.00")
        #expect(mismatch["match"] == "amount_mismatch")
        #expect(try CLI.run("node", "sync", "--data", office).status == 0)

        // The office node after sync: A0001 paid by the bank, A0002 still owed, A0003 paid twice (a credit).
        #expect(try CLI.run("fees", "bill", "--data", office, "6911A0001").stdout.contains("outstanding 0.00, paid"))
        #expect(
            try CLI.run("fees", "bill", "--data", office, "6911A0002").stdout.contains("outstanding 1.00, partly paid"),
            "the 19 baht the bank took still count")
        let third = try CLI.run("fees", "bill", "--data", office, "6911A0003").stdout
        #expect(third.contains("paid") && third.contains("credit 20.00"), "\(third)")
        let review = try CLI.run("fees", "review", "--data", office).stdout
        #expect(review.contains("p-scb-T2\tamount_mismatch") && review.contains("p-scb-T3") && !review.contains("p-scb-T1"), "\(review)")
        // A biller ID no office has: kept at the hub, listed for its operator, never sent to an office.
        let (_, stranger) = try bank.confirm("T7", ref1: "6911A0001", amount: "20.00", biller: "010553611201400")
        #expect(stranger["match"] == "unknown_biller")
        let parked = try CLI.run("hub", "bank", "parked", "--data", hubDir)
        #expect(parked.status == 0 && parked.stdout.contains("hub.p-scb-T7\tbiller 010553611201400"), "\(parked.stdout) \(parked.stderr)")
        #expect(try CLI.run("node", "sync", "--data", office).status == 0)
        #expect(try CLI.run("records", "get", "--data", office, "payments", "6500101.p-scb-T7").status != 0)
        for (id, present) in [("T1", true), ("T2", true), ("T3", true), ("T9", false)] {
            let record = try CLI.run("records", "get", "--data", office, "payments", "6500101.p-scb-\(id)")
            #expect((record.status == 0) == present, "payment \(id)")
        }
    }
}
