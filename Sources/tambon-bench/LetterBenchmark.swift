import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport

/// `tambon-bench letters`: (a) search over 100,000 letters (FTS5 trigram): the index built from the change feed,
/// then 300 searches for a Thai word inside subjects, and 100 with a date range, p50 and p95; (b) a circular to 300
/// offices: sending it (the number and 300 copies, one transaction) and the feed rows it will cost the hub.
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
        func percentile(_ values: [Double], _ p: Int) -> Double { values[min(values.count - 1, values.count * p / 100)] }
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
        let feedRows = 300 * 2
        print(
            String(
                format: "(b) a circular to 300 offices (%@): sent in %.0f ms as %d signed changes; at the hub %d feed rows (bound per push: 20,000)",
                number.thaiText, sendSeconds * 1_000, Int(changes), feedRows))
        return [
            "letters_write_s": .number(writeSeconds), "letters_index_s": .number(indexSeconds), "search_p50_ms": .number(percentile(words, 50)),
            "search_p95_ms": .number(percentile(words, 95)), "search_range_p95_ms": .number(percentile(ranges, 95)),
            "circular_300_send_ms": .number(sendSeconds * 1_000), "circular_300_changes": .number(Double(changes)),
        ]
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
