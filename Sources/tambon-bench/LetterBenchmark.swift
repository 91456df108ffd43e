import Foundation
import Logging
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonSync
import TambonTestSupport

/// `tambon-bench letters`: (a) search over 100,000 letters (FTS5 trigram): the index built from the change feed,
/// then 300 searches for a Thai word inside subjects, and 100 with a date range, p50 and p95; (b) a circular to 300
/// offices: sending it (the number and 300 copies, one transaction); (c) the same circular through a hub over HTTPS
/// on loopback, to 300 enrolled office nodes: the sender's push and the feed rows the hub wrote for it, the 300
/// offices pulling their copies, and their 300 acceptances back at the sender.
struct LetterBenchmark {
    let directory: String
    static let letters = 100_000

    static let words = [
        "ขอเชิญ", "ประชุม", "คณะกรรมการ", "พัฒนา", "ตำบล", "รายงาน", "ผลการ", "จัดเก็บ", "ภาษี", "ที่ดิน", "สิ่งปลูกสร้าง", "งบประมาณ",
        "โครงการ", "ก่อสร้าง", "ถนน", "คอนกรีต", "ขออนุมัติ", "เบิกจ่าย", "ประจำปี", "แผนพัฒนา", "ท้องถิ่น", "สาธารณสุข", "โรงเรียน",
        "ผู้สูงอายุ", "เบี้ยยังชีพ", "ภัยแล้ง", "น้ำท่วม", "ป้องกัน", "บรรเทา", "สาธารณภัย",
    ]

    func run() async throws -> [String: JSONValue] {
        let store = try DataDirectory(path: directory + "/office").create(configuration: StoreConfiguration())
        try await store.initialiseNode(office: "5001", name: "bench office")
        var generator = SeededGenerator(seed: 15)
        let start = CivilDate(iso: "2024-01-01")!
        let clock = ContinuousClock()
        let started = clock.now
        var written = 0
        while written < Self.letters {
            let count = min(1_000, Self.letters - written)
            var edits: [LocalEdit] = []
            for index in written..<(written + count) {
                let subject = (0..<Int.random(in: 3...6, using: &generator)).map { _ in Self.words.randomElement(using: &generator)! }.joined()
                let draft = try LetterDraft(
                    json: [
                        "kind": "external", "subject": .string(subject), "salutation": "นายอำเภอ",
                        "receivers": .array([.string("\(5002 + index % 500)")]),
                        "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายก อบต.",
                    ], sender: "5001")
                edits.append(
                    LocalEdit(
                        collection: LetterRecords.letters, record: "5001.L\(index)",
                        set: [
                            "draft": draft.json, "state": "sent", "number": .string("ชม 7201/\(index + 1)"),
                            "date": .string(start.adding(days: index % 1_000).iso), "sent_ms": .number(Double(index)),
                        ]))
            }
            let batch = edits
            try await store.transaction { _ in batch }
            written += count
        }
        let writeSeconds = (clock.now - started).seconds
        let index = try LetterIndex(store: store)
        let indexStarted = clock.now
        let rows = try await index.refresh()
        let indexSeconds = (clock.now - indexStarted).seconds
        var words: [Double] = []
        for _ in 0..<300 {
            let word = Self.words.randomElement(using: &generator)!
            let began = clock.now
            _ = try await index.search(word, includeRestricted: true, limit: 50)
            words.append((clock.now - began).seconds * 1_000)
        }
        var ranges: [Double] = []
        for _ in 0..<100 {
            let from = start.adding(days: Int.random(in: 0..<900, using: &generator))
            let began = clock.now
            _ = try await index.search(Self.words.randomElement(using: &generator)!, from: from, to: from.adding(days: 30), includeRestricted: true)
            ranges.append((clock.now - began).seconds * 1_000)
        }
        words.sort()
        ranges.sort()
        print(
            String(
                format: "(a) %d letters written as signed changes: %.1f s; index built from the feed: %.1f s (%d rows)", Self.letters, writeSeconds,
                indexSeconds, rows))
        print(
            String(
                format: "    search for a Thai word inside subjects: p50 %.1f ms, p95 %.1f ms (target p95 < 50 ms: %@)", percentile(words, 50),
                percentile(words, 95), percentile(words, 95) < 50 ? "met" : "MISSED"))
        print(String(format: "    with a 30-day date range:              p50 %.1f ms, p95 %.1f ms", percentile(ranges, 50), percentile(ranges, 95)))

        // (b) A circular to 300 offices: one transaction with the number and 300 copies, each scoped to two offices.
        let book = LetterBook(store: store, letterCode: "ชม 7201")
        let circular = try LetterDraft(
            json: [
                "kind": "order", "subject": "ขอความร่วมมือป้องกันภัยแล้ง", "salutation": "นายกองค์กรปกครองส่วนท้องถิ่นทุกแห่ง",
                "receivers": .array((0..<300).map { .string("\(6_000 + $0)") }), "signatory_name": "นายอำเภอ", "signatory_title": "นายอำเภอเมือง",
            ], sender: "5001")
        let letter = try await book.draft(circular, by: "clerk")
        try await book.approve(letter, by: "mayor", role: .admin, typedName: "นายอำเภอ")
        let before = try await store.statistics().changes
        let sendStarted = clock.now
        let number = try await book.send(letter)
        let sendSeconds = (clock.now - sendStarted).seconds
        let changes = try await store.statistics().changes - before
        print(
            String(
                format: "(b) a circular to 300 offices (%@): sent in %.0f ms as %d signed changes", number.thaiText, sendSeconds * 1_000,
                Int(changes)))
        var figures: [String: JSONValue] = [
            "letters_write_s": .number(writeSeconds), "letters_index_s": .number(indexSeconds), "search_p50_ms": .number(percentile(words, 50)),
            "search_p95_ms": .number(percentile(words, 95)), "search_range_p95_ms": .number(percentile(ranges, 95)),
            "circular_300_send_ms": .number(sendSeconds * 1_000), "circular_300_changes": .number(Double(changes)),
        ]
        for (key, value) in try await circularThroughHub(circular) { figures[key] = value }
        return figures
    }

    static let offices = 300
    static let concurrency = 16

    /// (c) `circular` sent by office 5001 through a hub to 300 enrolled office nodes.
    func circularThroughHub(_ circular: LetterDraft) async throws -> [String: JSONValue] {
        let hub = try await BenchHub(directory: directory)
        return try await hub.serve { url in
            let clock = ContinuousClock()
            let enrolStarted = clock.now
            let sender = try await hub.node(office: "5001", role: .office, url: url, name: "sender")
            var receivers: [(office: String, store: Store)] = []
            for index in 0..<Self.offices {
                let office = "\(6_000 + index)"
                receivers.append((office, try await hub.node(office: office, role: .office, url: url, name: "r\(office)", durable: false)))
            }
            print(
                String(format: "(c) %d office nodes enrolled with a hub on loopback in %.1f s", Self.offices + 1, (clock.now - enrolStarted).seconds))
            let book = LetterBook(store: sender, letterCode: "ชม 7201")
            let letter = try await book.draft(circular, by: "clerk")
            try await book.approve(letter, by: "mayor", role: .admin, typedName: "นายอำเภอ")
            try await book.send(letter)
            let client = try HubClient(url: url, caPEM: hub.caPEM)
            let before = try await hub.store.statistics()
            let pushStarted = clock.now
            try await SyncEngine(store: sender, transport: client, logger: Self.quiet).round()
            let pushSeconds = (clock.now - pushStarted).seconds
            let after = try await hub.store.statistics()
            let feedRows = after.feedRows - before.feedRows

            // The fan-out: every office pulls (16 at a time, each with a connection of its own); each must hold its
            // copy and no other.
            let pulled = try await Self.eachOffice(receivers, url: url, ca: hub.caPEM) { office, store, client in
                try await SyncEngine(store: store, transport: client, logger: Self.quiet).round()
                let copies = try await store.records(collection: LetterRecords.copies)
                guard copies.map(\.id) == [LetterRecords.copyID(sender: "5001", letter: letter, receiver: office)] else {
                    throw BenchFailure("office \(office) holds \(copies.map(\.id)), not its own copy alone")
                }
            }
            // The answers: each office registers the letter, accepts it and pushes; then the sender pulls them all.
            let answered = try await Self.eachOffice(receivers, url: url, ca: hub.caPEM) { office, store, client in
                let receiving = LetterBook(store: store, letterCode: nil)
                _ = try await receiving.receive(sender: "5001", letter: letter, by: "saraban")
                try await receiving.answer(sender: "5001", letter: letter, accept: true, reason: nil, by: "saraban")
                try await SyncEngine(store: store, transport: client, logger: Self.quiet).round()
            }
            let backStarted = clock.now
            try await SyncEngine(store: sender, transport: client, logger: Self.quiet).round()
            let backSeconds = (clock.now - backStarted).seconds
            await client.shutdown()
            let accepted = try await book.status(of: letter).filter { $0.state == "accepted" }.count
            print(
                String(
                    format: "    the sender's push: %.0f ms; the hub wrote %d changes and %d feed rows for it (%.1f a copy; bound per push 20,000)",
                    pushSeconds * 1_000, after.changes - before.changes, feedRows, Double(feedRows) / Double(Self.offices)))
            print(
                String(
                    format:
                        "    300 offices pulled their copy (each its own, and nothing else) in %.1f s, %d at a time: p50 %.0f ms, p99 %.0f ms a pull",
                    pulled.seconds, Self.concurrency, percentile(pulled.latencies, 50), percentile(pulled.latencies, 99)))
            print(
                String(
                    format: "    their receipts and acceptances pushed in %.1f s; the sender pulled them in %.0f ms and sees %d of 300 accepted",
                    answered.seconds, backSeconds * 1_000, accepted))
            guard accepted == Self.offices else { throw BenchFailure("only \(accepted) of \(Self.offices) acceptances reached the sender") }
            return [
                "circular_hub_push_ms": .number(pushSeconds * 1_000), "circular_hub_feed_rows": .number(Double(feedRows)),
                "circular_hub_fanout_s": .number(pulled.seconds), "circular_hub_pull_p99_ms": .number(percentile(pulled.latencies, 99)),
                "circular_hub_answers_s": .number(answered.seconds), "circular_hub_answers_pull_ms": .number(backSeconds * 1_000),
            ]
        }
    }

    static let quiet: Logger = {
        var logger = Logger(label: "bench.letters")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` for every office, `concurrency` at a time, each worker with its own hub connection: the total
    /// time and each call's latency in milliseconds, sorted.
    static func eachOffice(
        _ offices: [(office: String, store: Store)], url: String, ca: String,
        _ body: @escaping @Sendable (String, Store, HubClient) async throws -> Void
    ) async throws -> (seconds: Double, latencies: [Double]) {
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    let client = try HubClient(url: url, caPEM: ca)
                    var mine: [Double] = []
                    for index in stride(from: worker, to: offices.count, by: concurrency) {
                        let began = clock.now
                        try await body(offices[index].office, offices[index].store, client)
                        mine.append((clock.now - began).seconds * 1_000)
                    }
                    await client.shutdown()
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        return ((clock.now - started).seconds, latencies.sorted())
    }
}

/// The `p`th percentile of sorted `values`.
private func percentile(_ values: [Double], _ p: Int) -> Double { values.isEmpty ? 0 : values[min(values.count - 1, values.count * p / 100)] }
