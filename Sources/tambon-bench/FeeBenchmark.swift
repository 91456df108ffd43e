import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import TambonCodes
import TambonCore
import TambonHub
import TambonOSS
import TambonOffice
import TambonStore
import TambonTLS
import TambonTestSupport

/// `tambon-bench fees`: (a) the monthly billing run for 20,000 payers on an office node, with its signed changes;
/// (b) Thai QR SVGs drawn per second (payload, libqrencode, SVG); (c) bank confirmations POSTed over HTTPS to a hub
/// by 16 concurrent banks' connections, each matched against a bill in one store transaction: throughput, p50, p99.
struct FeeBenchmark {
    let directory: String
    static let payers = 20_000
    static let confirmations = 5_000
    static let concurrency = 16

    func run() async throws -> [String: JSONValue] {
        var figures: [String: JSONValue] = [:]
        figures.merge(try await billingRun()) { $1 }
        figures.merge(try qrRendering()) { $1 }
        figures.merge(try await confirmationEndpoint()) { $1 }
        return figures
    }

    static func payer(_ index: Int) throws -> Payer {
        try Payer(
            code: "P\(100_000 + index)", name: "ผู้ชำระ \(index)", houseNumber: "\(index % 400)", village: index % 15,
            services: index % 4 == 0 ? [.garbage, .wastewater] : [.garbage], rateClass: "household", starts: CivilDate(iso: "2025-01-01")!)
    }

    static func catalog() throws -> ServiceCatalog { try OfficeFixture.billingCatalog() }

    func billingRun() async throws -> [String: JSONValue] {
        let store = try DataDirectory(path: directory + "/office").create(configuration: StoreConfiguration())
        try await store.initialiseNode(office: "5001", name: "bench office")
        let book = FeeBook(store: store, catalog: try Self.catalog())
        let payers = try (0..<Self.payers).map(Self.payer)
        let (importSeconds, _) = try await timed { try await book.importPayers(payers) }
        let before = try await store.statistics().changes
        let (runSeconds, summary) = try await timed { try await book.runBilling(period: BillingPeriod("2569-11")!) }
        let signed = try await store.statistics().changes - before
        let (againSeconds, again) = try await timed { try await book.runBilling(period: BillingPeriod("2569-11")!) }
        let (nextSeconds, next) = try await timed { try await book.runBilling(period: BillingPeriod("2569-12")!) }
        print(String(format: "(a) import %d payers:               %6.2f s", Self.payers, importSeconds))
        print(
            String(
                format: "    billing run, %d bills:          %6.2f s (%d signed changes; target < 5 s: %@)", summary.issued, runSeconds, signed,
                runSeconds < 5 ? "met" : "MISSED"))
        print(
            String(format: "    the same run again:               %6.2f s (%d issued, %d already there)", againSeconds, again.issued, again.existing))
        print(String(format: "    next month, arrears carried:      %6.2f s (%d bills)", nextSeconds, next.issued))
        return [
            "billing_import_s": .number(importSeconds), "billing_run_s": .number(runSeconds), "billing_run_bills": .number(Double(summary.issued)),
            "billing_rerun_s": .number(againSeconds), "billing_next_month_s": .number(nextSeconds),
        ]
    }

    func qrRendering() throws -> [String: JSONValue] {
        let count = 5_000
        let clock = ContinuousClock()
        var bytes = 0
        let started = clock.now
        for index in 0..<count {
            let payment = try ThaiQRBillPayment(
                billerID: "099400016550100", reference1: "6911P\(100_000 + index)", reference2: "256911", amount: Money(satang: Int64(2_000 + index)))
            bytes += SVGCode.qr(try QRCode.matrix(for: payment.payload.text)).utf8.count
        }
        let seconds = (clock.now - started).seconds
        let rate = Double(count) / seconds
        print(
            String(
                format: "(b) Thai QR SVGs:                %8.0f per second (%d in %.2f s, %d bytes each; target ≥ 1,000: %@)", rate, count, seconds,
                bytes / count, rate >= 1_000 ? "met" : "MISSED"))
        return ["qr_svg_per_s": .number(rate)]
    }

    func confirmationEndpoint() async throws -> [String: JSONValue] {
        let hub = try await BenchHub(directory: directory)
        let hubStore = hub.store
        let secret = Array("bench bank secret, 32 bytes long!".utf8)
        try BankRegistry.add(name: "scb", secret: secret, directory: directory + "/hub", now: 0)
        // What the office's node pushed: its settings and one bill per confirmation to come.
        try await hubStore.write(
            collection: "office_settings", record: "5001", set: ["settings": ["billing": ["tax_id": "0994000165501"]]], scope: ["5001"])
        var start = 0
        while start < Self.confirmations {
            let range = start..<min(start + 1_000, Self.confirmations)
            try await hubStore.transaction { _ in
                range.map { index in
                    let bill = Bill(
                        reference: "6911P\(100_000 + index)", reference2: "256911", payer: "P\(100_000 + index)", application: nil,
                        period: BillingPeriod("2569-11"), lines: [.init(kind: "garbage", label: "ค่าขยะ", amount: Money(satang: 2_000))],
                        arrears: .zero,
                        carried: [], issued: CivilDate(iso: "2026-11-01")!, due: CivilDate(iso: "2026-11-16")!, check: "K7M2Q9")
                    return LocalEdit(collection: Bill.collection, record: "5001." + bill.reference, set: bill.fields, scope: ["5001"])
                }
            }
            start += 1_000
        }
        var logger = Logger(label: "bench.hub")
        logger.logLevel = .critical
        // The payment desk alone, in process (no HTTP, no TLS), on bills of its own: what the store's side costs.
        let desk = PaymentDesk(store: hubStore, banks: BankRegistry(directory: directory + "/hub"), logger: logger)
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<Self.concurrency {
                group.addTask {
                    var index = worker
                    while index < Self.confirmations {
                        let confirmation = try BankConfirmation(json: [
                            "transactionId": .string("D\(index)"), "amount": "20.00", "transactionDateandTime": "2026-11-05T09:30:00+07:00",
                            "payeeProxyId": "099400016550100", "billPaymentRef1": .string("6911Q\(100_000 + index)"),
                        ])
                        _ = try await desk.record(confirmation, bank: "scb")
                        index += Self.concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let deskRate = Double(Self.confirmations) / (clock.now - started).seconds
        print(String(format: "(c) payment desk in process:      %6.0f confirmations per second (no HTTP, no TLS)", deskRate))
        var figures = try await hub.serve(banks: BankRegistry(directory: directory + "/hub")) { url in
            try await post(to: url, ca: hub.caPEM, secret: secret, hub: hubStore)
        }
        figures["confirmations_desk_per_s"] = .number(deskRate)
        return figures
    }

    private func post(to url: String, ca: String, secret: [UInt8], hub: Store) async throws -> [String: JSONValue] {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return try await withTeardown {
            try await measure(client, url: url, secret: secret, hub: hub)
        } teardown: {
            try? await client.shutdown()
        }
    }

    private func measure(_ client: HTTPClient, url: String, secret: [UInt8], hub: Store) async throws -> [String: JSONValue] {
        func request(_ index: Int) -> HTTPClientRequest {
            let body: JSONValue = [
                "transactionId": .string("T\(index)"), "amount": "20.00", "transactionDateandTime": "2026-11-05T09:30:00+07:00",
                "payeeProxyId": "099400016550100", "billPaymentRef1": .string("6911P\(100_000 + index)"), "billPaymentRef2": "256911",
                "sendingBankCode": "014", "receivingBankCode": "014", "currencyCode": "764",
            ]
            let bytes = Array(body.canonicalText.utf8)
            var request = HTTPClientRequest(url: url + BankController.path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Tambon-Bank", value: "scb")
            request.headers.add(name: "Tambon-Signature", value: BankRegistry.signature(of: bytes, secret: secret))
            request.body = .bytes(ByteBuffer(bytes: bytes))
            return request
        }
        // Warm the connections, then measure.
        for index in 0..<Self.concurrency {
            _ = try await client.execute(request(Self.confirmations + index), timeout: .seconds(30)).body.collect(upTo: 1 << 16)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<Self.concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var index = worker
                    while index < Self.confirmations {
                        let sent = clock.now
                        let response = try await client.execute(request(index), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        guard response.status == .ok else { throw TambonError(.badResponse, "bench", "confirmation \(index): \(response.status)") }
                        latencies.append((clock.now - sent).seconds * 1_000)
                        index += Self.concurrency
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let seconds = (clock.now - started).seconds
        let rate = Double(latencies.count) / seconds
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        let matched = try await hub.records(collection: BankPayment.collection, office: "5001").filter { $0.fields["match"] == "matched" }.count
        print(
            String(
                format: "    bank confirmations over HTTPS:    %6.0f per second (%d by %d connections in %.2f s; target ≥ 500: %@)", rate,
                latencies.count,
                Self.concurrency, seconds, rate >= 500 ? "met" : "MISSED"))
        print(
            String(
                format: "    latency p50 %.1f ms, p99 %.1f ms (target p99 < 100 ms: %@); %d matched", p50, p99, p99 < 100 ? "met" : "MISSED", matched)
        )
        return ["confirmations_https_per_s": .number(rate), "confirmation_p50_ms": .number(p50), "confirmation_p99_ms": .number(p99)]
    }

    private func timed<T>(_ body: () async throws -> T) async throws -> (Double, T) {
        let clock = ContinuousClock()
        let started = clock.now
        let value = try await body()
        return ((clock.now - started).seconds, value)
    }
}
