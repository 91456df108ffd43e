import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonSync
import TambonSyncTestSupport
import Testing

/// Official letters between offices through the hub's router in process: a circular sent once (and again after a
/// cut), each receiver seeing its own copy only, incoming numbers stamped once, acceptance and rejection back to
/// the sender with the receiver's register number.
@Suite struct LetterExchangeTests {
    static func draft(to receivers: [String]) throws -> LetterDraft {
        try LetterDraft(
            json: [
                "kind": "external", "subject": "ขอเชิญประชุมคณะกรรมการ", "salutation": "นายกองค์การบริหารส่วนตำบล",
                "receivers": .array(receivers.map { .string($0) }), "urgency": "urgent", "signatory_name": "นายสมหมาย ใจงาม",
                "signatory_title": "นายกองค์การบริหารส่วนตำบลแม่เหียะ",
            ], sender: "6500101")
    }

    @Test func aCircularReachesEachReceiverAloneAndTheirAnswersComeBack() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let a = try await hub.node(office: "6500101"), b = try await hub.node(office: "6500102"), c = try await hub.node(office: "6500103")
        let sender = LetterBook(store: a.store, letterCode: "ชม 7201")
        let letter = try await sender.draft(try Self.draft(to: ["6500102", "6500103"]), by: "clerk")
        await #expect(throws: OfficeError.self) { try await sender.send(letter) }  // not approved yet
        await #expect(throws: OfficeError.self) { try await sender.approve(letter, by: "clerk", role: .officer, typedName: "สมหมาย") }
        try await sender.approve(letter, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        let number = try await sender.send(letter)
        #expect(number.thaiText == "ที่ ชม 7201/ว 1")
        #expect(try await sender.send(letter) == number, "sent again after a cut: the same letter, the same number")
        let second = try await sender.draft(try Self.draft(to: ["6500102"]), by: "clerk")
        try await sender.approve(second, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        #expect(try await sender.send(second).description == "ชม 7201/2", "the register has no gap, and no ว for one receiver")
        try await a.sync()
        try await b.sync()
        try await c.sync()
        // Each receiver holds its own copy, and none of the other's.
        let copies = try await b.store.records(collection: LetterRecords.copies)
        #expect(Set(copies.map(\.id)) == ["6500101.\(letter).6500102", "6500101.\(second).6500102"])
        #expect(copies.allSatisfy { $0.scope == ["6500101", "6500102"] })
        #expect(try await c.store.records(collection: LetterRecords.copies).map(\.id) == ["6500101.\(letter).6500103"])

        let atB = LetterBook(store: b.store, letterCode: "ชม 7202")
        let atC = LetterBook(store: c.store, letterCode: "ชม 7203")
        await #expect(throws: OfficeError.self) { try await atC.answer(sender: "6500101", letter: letter, accept: true, reason: nil, by: "c") }
        let stamped = try await atB.receive(sender: "6500101", letter: letter, by: "saraban")
        #expect(try await atB.receive(sender: "6500101", letter: letter, by: "saraban") == stamped, "one register entry per letter")
        #expect(try await atB.receive(sender: "6500101", letter: second, by: "saraban").sequence == stamped.sequence + 1)
        try await atB.answer(sender: "6500101", letter: letter, accept: true, reason: nil, by: "saraban")
        _ = try await atC.receive(sender: "6500101", letter: letter, by: "saraban")
        await #expect(throws: OfficeError.self) { try await atC.answer(sender: "6500101", letter: letter, accept: false, reason: "", by: "c") }
        try await atC.answer(sender: "6500101", letter: letter, accept: false, reason: "ส่งผิดหน่วยงาน", by: "c")
        try await b.sync()
        try await c.sync()
        try await a.sync()
        let status = try await sender.status(of: letter)
        #expect(status.map(\.receiver) == ["6500102", "6500103"])
        #expect(status[0].state == "accepted" && status[0].register == stamped.sequence)
        #expect(status[1].state == "rejected")
        #expect(try await sender.status(of: second).first?.state == "received")

        // The registers of the calendar year, gap-free on both sides, and B's inbox: the urgent first.
        let year = sender.today().buddhistYear
        let out = try await sender.registers(year: year).outgoing
        #expect(out.map(\.register) == [1, 2] && out.map(\.number) == ["ชม 7201/ว 1", "ชม 7201/2"])
        #expect(out[0].to == "6500102, 6500103" && out[0].subject == "ขอเชิญประชุมคณะกรรมการ")
        let received = try await atB.registers(year: year).incoming
        #expect(received.map(\.register) == [1, 2] && received.map(\.from) == ["6500101", "6500101"] && received[0].action == "รับ")
        #expect(RegisterRow.csv(received).hasPrefix("เลขทะเบียน,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n1/\(year),ชม 7201/ว 1,"))
        #expect(try await atB.inbox().map(\.letter).count == 2)

        // A correction is a new version, not a delete and resend: the number and B's register entry stay, and B
        // sees what changed.
        var corrected = try Self.draft(to: ["6500102", "6500103"])
        corrected.subject = "ขอเชิญประชุมคณะกรรมการ (แก้ไขวันประชุม)"
        #expect(try await sender.correct(letter, to: corrected, by: "clerk", note: "เลื่อนวันประชุม") == 2)
        await #expect(throws: OfficeError.self) {
            try await sender.correct(letter, to: try Self.draft(to: ["6500102"]), by: "clerk", note: "ตัดผู้รับ")
        }
        try await a.sync()
        try await b.sync()
        let updated = try #require(try await atB.inbox().first { $0.letter == letter })
        #expect(updated.version == 2 && updated.changed == ["subject"] && updated.correctionNote == "เลื่อนวันประชุม")
        #expect(updated.register == stamped.sequence && updated.number == "ชม 7201/ว 1" && updated.draft.subject.hasSuffix("(แก้ไขวันประชุม)"))
        #expect(try await sender.status(of: letter).first?.state == "accepted")

        // Routing inside B (เกษียน): a minute with a due date, tracked until done, never sent to the sender.
        let due = atB.today().adding(days: 3)
        let minute = try await atB.addMinute(
            sender: "6500101", letter: letter, to: "กองช่าง", instruction: "เตรียมข้อมูลเข้าประชุม", due: due, by: "palad")
        await #expect(throws: OfficeError.self) {
            try await atC.addMinute(sender: "6500101", letter: second, to: "x", instruction: "ไม่มีหนังสือนี้", due: due, by: "c")
        }
        #expect(try await atB.minutes(sender: "6500101", letter: letter).map { $0.done == nil } == [true])
        #expect(try await atB.minutes(sender: "6500101", letter: letter).first?.isOverdue(on: due.adding(days: 1)) == true)
        try await atB.completeMinute(sender: "6500101", letter: letter, minute: minute, note: "ส่งข้อมูลแล้ว", by: "chang")
        await #expect(throws: OfficeError.self) {
            try await atB.completeMinute(sender: "6500101", letter: letter, minute: minute, note: "อีกครั้ง", by: "chang")
        }
        #expect(try await atB.minutes(sender: "6500101", letter: letter).first?.done?.by == "chang")
        try await b.sync()
        try await a.sync()
        #expect(try await a.store.records(collection: LetterRecords.minutes).isEmpty, "the sender never sees the receiver's routing")
    }

    /// A scope holds 64 offices; a circular goes to hundreds. Found by the letters benchmark: the 64th receiver
    /// onwards held its copy inert as `unknown_writer`, since the sender's roster entry could be shared with no
    /// more offices. The hub now shares it through shares of the entry (SPEC §15.4), and a revocation reaches them.
    @Test func aCircularToMoreOfficesThanAScopeHoldsReachesEveryOne() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let a = try await hub.node(office: "5001")
        let offices = (0..<150).map { String(6_000 + $0) }
        var receivers: [InMemorySyncTests.Node] = []
        for office in offices { receivers.append(try await hub.node(office: office)) }
        let sender = LetterBook(store: a.store, letterCode: "ชม 7201")
        var draft = try Self.draft(to: offices)
        draft.subject = "ขอความร่วมมือป้องกันภัยแล้ง"
        let letter = try await sender.draft(draft, by: "clerk")
        try await sender.approve(letter, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        try await sender.send(letter)
        try await a.sync()
        for (office, node) in zip(offices, receivers) {
            try await node.sync()
            let copies = try await node.store.records(collection: LetterRecords.copies)
            #expect(copies.map(\.id) == [LetterRecords.copyID(sender: "5001", letter: letter, receiver: office)], "office \(office)")
        }
        let entries = try await hub.store.records(collection: AuthorityRules.rosterCollection).filter { $0.id.hasPrefix("5001.") }
        #expect(entries.count == 3, "the entry and two shares: \(entries.map(\.id))")
        #expect(entries.allSatisfy { $0.scope.count <= ChangeValidator.maximumScope && $0.scope.contains("5001") })
        #expect(Set(entries.flatMap(\.scope)) == Set(offices + ["5001"]))

        // Revoking the sender at the hub rewrites its shares too: the last office hears of it.
        let node = try #require(try await a.store.node()).id
        _ = try await hub.store.peers.revoke(node: node)
        try await receivers[149].sync()
        let seen = try await receivers[149].store.records(collection: AuthorityRules.rosterCollection).filter { $0.id.hasPrefix("5001.") }
        #expect(seen.count == 1 && seen[0].id.hasSuffix(":2") && seen[0].fields["revoked_after_seq"]?.integerValue != nil, "\(seen.map(\.fields))")
    }

    @Test func theAgencyDirectoryReachesANodeAndIsFetchedAgainOnlyWhenItChanges() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let a = try await hub.node(office: "6500101")
        func add(_ code: String, _ name: String) async throws {
            let agency = try Agency(code: code, name: name, letterCode: "ชม 7201", parent: "5000")
            try await hub.store.write(collection: Agency.collection, record: "hub.\(code)", set: agency.fields, scope: ["hub"])
        }
        try await add("6500102", "องค์การบริหารส่วนตำบลสุเทพ")
        try await add("5001", "อำเภอเมืองเชียงใหม่")
        let engine = SyncEngine(store: a.store, transport: a.transport, logger: quietLogger)
        try await engine.round()
        #expect(try await a.store.records(collection: Agency.collection).isEmpty, "the directory is not in the change log")
        #expect(await engine.refreshDirectory())
        let cached = try #require(try await a.store.cachedDirectory(Agency.collection))
        #expect(cached.body.arrayValue?.compactMap { $0.objectValue.flatMap(Agency.init(fields:))?.code } == ["5001", "6500102"])
        #expect(await engine.refreshDirectory() == false, "unchanged: only the version travels")
        try await add("6500103", "เทศบาลตำบลแม่เหียะ")
        #expect(await engine.refreshDirectory())
        #expect(try await a.store.cachedDirectory(Agency.collection)?.body.arrayValue?.count == 3)
    }

    @Test func aLettersFilesReachItsReceiverAndNoOtherOffice() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let a = try await hub.node(office: "6500101"), b = try await hub.node(office: "6500102"), c = try await hub.node(office: "6500103")
        let pdf = Array("%PDF-1.4\n% หนังสือเชิญประชุม\n".utf8) + [UInt8](repeating: 0x41, count: 4_000)
        let hash = try a.store.attachments.put(pdf)
        let sender = LetterBook(store: a.store, letterCode: "ชม 7201")
        func draft(_ sha: String) throws -> LetterDraft {
            try LetterDraft(
                json: [
                    "kind": "external", "subject": "ขอเชิญประชุม", "salutation": "นายก อบต.", "receivers": ["6500102"],
                    "main_document": ["sha256": .string(sha), "name": "หนังสือ.pdf", "type": "application/pdf"],
                    "signatory_name": "นายสมหมาย ใจงาม", "signatory_title": "นายก อบต.",
                ], sender: "6500101")
        }
        let missing = try await sender.draft(try draft(String(repeating: "0", count: 64)), by: "clerk")
        try await sender.approve(missing, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        await #expect(throws: OfficeError.self) { try await sender.send(missing) }  // its file is not on this node
        let letter = try await sender.draft(try draft(hash), by: "clerk")
        try await sender.approve(letter, by: "mayor", role: .admin, typedName: "นายสมหมาย ใจงาม")
        try await sender.send(letter)
        try await a.sync()
        try await b.sync()
        try await c.sync()
        #expect(b.store.attachments.has(hash), "the receiver has the file")
        #expect(try b.store.attachments.contents(of: hash) == pdf)
        #expect(!c.store.attachments.has(hash), "an office the letter was not sent to has nothing of it")
    }
}
