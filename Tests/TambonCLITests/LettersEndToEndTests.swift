import Foundation
import TambonTestSupport
import Testing

/// e-Saraban with every part a real process: `tambon hub serve` and two offices' `tambon node serve`, driven through
/// the staff pages as a browser would, synced with `tambon node sync`. Office B is offline while office A sends it
/// letters (one of them secret) and while it numbers letters of its own; it comes back, receives them while its
/// staff send more at the same moment, and answers. Both registers stay gap-free, each letter is registered once,
/// A sees each answer with B's register number, and the secret letter shows nothing to B's plain officer.
@Suite(.serialized) struct LettersEndToEndTests {
    static let a = "6500101", b = "6500102", c = "6500103"
    static let address = #"address=https?://[^ ]+"#

    struct Office {
        let directory: String
        let code: String

        func serve() throws -> ServerProcess {
            try ServerProcess(arguments: ["node", "serve", "--data", directory, "--listen", "127.0.0.1:0"], address: LettersEndToEndTests.address)
        }

        func sync() throws {
            let result = try CLI.run("node", "sync", "--data", directory)
            #expect(result.status == 0, "\(code) sync: \(result.stderr)")
        }
    }

    /// Drafts, approves (by `signatory`) and sends a letter through the pages; its id and number.
    static func send(
        by clerk: WebClient, signatory: WebClient, to receivers: [String], subject: String, urgency: String = "normal", secrecy: String = "normal"
    ) async throws -> (letter: String, number: String) {
        let created = try await clerk.form(
            "/office/letters",
            [
                ("kind", "external"), ("subject", subject), ("salutation", "นายกองค์การบริหารส่วนตำบล"), ("receivers", receivers.joined(separator: ", ")),
                ("urgency", urgency), ("secrecy", secrecy), ("signatory_name", "นายสมหมาย ใจงาม"), ("signatory_title", "นายก อบต."),
                ("contact_unit", "สำนักปลัด โทร. 053 000 000"),
            ])
        guard created.status == 303, created.location.hasPrefix("/office/letters/out/") else {
            throw CLIFailure("draft refused: \(created.status) \(created.text)")
        }
        let approved = try await signatory.form(created.location + "/approve", [("typed_name", "นายสมหมาย ใจงาม")])
        #expect(approved.status == 303, "\(approved.text)")
        let sent = try await clerk.form(created.location + "/send", [])
        #expect(sent.status == 303, "\(sent.text)")
        let page = try await clerk.page(created.location)
        let number = try #require(page.firstMatch(of: /<h1>ที่ ([^<]+?) </)?.1)
        return (String(created.location.dropFirst("/office/letters/out/".count)), String(number))
    }

    /// The per-receiver rows of a sent letter's page: receiver → (state, register number).
    static func receivers(_ page: String) -> [String: (state: String, register: String)] {
        var rows: [String: (String, String)] = [:]
        for match in page.matches(of: /<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/) {
            rows[String(match.1)] = (String(match.2), String(match.3))
        }
        return rows
    }

    /// A register's CSV rows (after the header) for this calendar year, as fields.
    static func csv(_ client: WebClient, kind: String) async throws -> [[String]] {
        let text = try await client.page("/office/letters/registers?format=csv&kind=\(kind)")
        return text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func anOfficeOfflineForDaysGetsEveryLetterOnceAndTheSenderSeesItsAnswers() async throws {
        let root = temporaryDirectory("tambon-letters")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hubDir = root + "/hub"
        let hubArguments = ["hub", "serve", "--data", hubDir, "--listen", "127.0.0.1:\(freePort())"]
        #expect(try CLI.run("hub", "init", "--data", hubDir).status == 0)
        for (code, name, letterCode) in [
            (Self.a, "องค์การบริหารส่วนตำบลแม่เหียะ", "ชม 7201"), (Self.b, "องค์การบริหารส่วนตำบลสุเทพ", "ชม 7202"), (Self.c, "เทศบาลตำบลช้างเผือก", "ชม 7203"),
        ] {
            let added = try CLI.run("hub", "agency", "add", "--data", hubDir, "--code", code, "--name", name, "--letter-code", letterCode)
            #expect(added.status == 0, "\(added.stderr)")
        }
        var hub = try ServerProcess(arguments: hubArguments, address: Self.address)
        defer { hub.stop() }
        let offices = [Office(directory: root + "/a", code: Self.a), Office(directory: root + "/b", code: Self.b)]
        for (office, letterCode) in zip(offices, ["ชม 7201", "ชม 7202"]) {
            #expect(try CLI.run("node", "init", "--data", office.directory, "--office", office.code).status == 0)
            let token = try CLI.run("hub", "token", "--data", hubDir, "--office", office.code).stdout.trimmingCharacters(in: .newlines)
            let joined = try CLI.run("node", "join", "--data", office.directory, "--hub", hub.url, "--token", token, "--ca", hubDir + "/hub-ca.pem")
            #expect(joined.status == 0, "\(joined.stderr)")
            try #"{"letter_code": "\#(letterCode)"}"#.write(toFile: root + "/settings.json", atomically: true, encoding: .utf8)
            #expect(try CLI.run("node", "settings", "--data", office.directory, "--set", root + "/settings.json").status == 0)
            for (name, role) in [("nayok", "admin"), ("somchai", "officer"), ("saraban", "records-officer")] {
                let added = try CLI.run(
                    ["node", "user", "add", "--data", office.directory, "--name", name, "--role", role, "--password-stdin"],
                    input: "password of \(name) at \(office.code)\n")
                #expect(added.status == 0, "\(added.stderr)")
            }
            try office.sync()  // the agency directory comes down with the first sync
        }
        let (officeA, officeB) = (offices[0], offices[1])
        func staff(_ server: ServerProcess, _ office: Office, _ name: String) async throws -> WebClient {
            let client = WebClient(base: server.url)
            try await client.login(name, "password of \(name) at \(office.code)")
            return client
        }

        // The link is down. Both offices keep working: B composes from the directory it holds and numbers a letter.
        hub.stop()
        let serverA = try officeA.serve()
        defer { serverA.stop() }
        var serverB = try officeB.serve()
        defer { serverB.stop() }
        let clerkA = try await staff(serverA, officeA, "somchai"), mayorA = try await staff(serverA, officeA, "nayok")
        var clerkB = try await staff(serverB, officeB, "somchai"), mayorB = try await staff(serverB, officeB, "nayok")
        let compose = try await clerkB.page("/office/letters/new")
        #expect(compose.contains("องค์การบริหารส่วนตำบลแม่เหียะ") && compose.contains("ชม 7203"), "the directory, offline")
        let offline = try await Self.send(by: clerkB, signatory: mayorB, to: [Self.a], subject: "รายงานผลการสำรวจถนนชำรุด")
        #expect(offline.number == "ชม 7202/1")
        #expect(try await clerkB.page("/office/letters/out/\(offline.letter)").contains("รอซิงก์ไปศูนย์กลาง"))
        var sent: [(letter: String, number: String)] = []
        sent.append(try await Self.send(by: clerkA, signatory: mayorA, to: [Self.b], subject: "ขอเชิญประชุมประจำเดือน"))
        sent.append(try await Self.send(by: clerkA, signatory: mayorA, to: [Self.b], subject: "ขอความร่วมมือสำรวจข้อมูลประชากร"))
        sent.append(
            try await Self.send(by: clerkA, signatory: mayorA, to: [Self.b], subject: "ผลการสอบสวนข้อเท็จจริงเรื่องร้องเรียน", secrecy: "confidential"))
        #expect(sent.map(\.number) == ["ชม 7201/1", "ชม 7201/2", "ชม 7201/3"])

        // B goes dark for days; the hub returns and A's letters reach it, delivered but not yet received.
        serverB.stop()
        hub = try ServerProcess(arguments: hubArguments, address: Self.address)
        try officeA.sync()
        #expect(Self.receivers(try await clerkA.page("/office/letters/out/\(sent[0].letter)"))[Self.b]?.state == "ส่งถึงแล้ว (รอลงรับ)")
        // A circular, the most urgent, to B and to an office not yet on Tambon.
        sent.append(
            try await Self.send(by: clerkA, signatory: mayorA, to: [Self.b, Self.c], subject: "แจ้งเตือนภัยน้ำป่าไหลหลาก", urgency: "most-urgent"))
        #expect(sent[3].number == "ชม 7201/ว 4")
        try officeA.sync()
        try officeA.sync()  // a re-sync after a cut link sends nothing twice

        // B is back.
        serverB = try officeB.serve()
        clerkB = try await staff(serverB, officeB, "somchai")
        mayorB = try await staff(serverB, officeB, "nayok")
        let keeperB = try await staff(serverB, officeB, "saraban")
        try officeB.sync()
        let inbox = try await clerkB.page("/office/letters")
        let order = inbox.matches(of: /href="\/office\/letters\/in\/6500101\/(L[A-Z0-9]+)"/).map { String($0.1) }
        #expect(order == [sent[3].letter, sent[0].letter, sent[1].letter, sent[2].letter], "the most urgent first, then by arrival")
        #expect(inbox.contains("ชม 7201/3") && !inbox.contains("ผลการสอบสวน"), "the secret letter exists, and shows nothing")
        #expect(!(try await clerkB.page("/office/letters/in/\(Self.a)/\(sent[2].letter)")).contains("ผลการสอบสวน"))
        #expect(!(try await clerkB.page("/office/letters?q=%E0%B8%AA%E0%B8%AD%E0%B8%9A%E0%B8%AA%E0%B8%A7%E0%B8%99")).contains("ผลการสอบสวน"))
        #expect(try await keeperB.page("/office/letters/in/\(Self.a)/\(sent[2].letter)").contains("ผลการสอบสวนข้อเท็จจริง"))

        // B's staff receive the four while others number three letters of B's own, all at once, each twice.
        let (receiving, numbering) = (clerkB, mayorB)
        let receivedStatuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for letter in sent.map(\.letter) + sent.map(\.letter) {
                group.addTask { try await receiving.form("/office/letters/in/\(Self.a)/\(letter)/receive", []).status }
            }
            for subject in ["ขออนุมัติจัดซื้อวัสดุ", "ขอส่งรายงานการเงินประจำเดือน", "ขอเชิญร่วมงานวันเด็ก"] {
                group.addTask {
                    _ = try await Self.send(by: numbering, signatory: numbering, to: [Self.a], subject: subject); return 303
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(receivedStatuses.allSatisfy { $0 == 303 }, "\(receivedStatuses)")
        let incomingB = try await Self.csv(keeperB, kind: "in")
        #expect(incomingB.map { $0[0].split(separator: "/")[0] } == ["1", "2", "3", "4"], "gap-free, one entry per letter: \(incomingB)")
        #expect(Set(incomingB.map { $0[1] }) == Set(sent.map(\.number)))
        let outgoingB = try await Self.csv(keeperB, kind: "out")
        #expect(outgoingB.map { $0[1] } == (1...4).map { "ชม 7202/\($0)" }, "gap-free after the offline letter: \(outgoingB)")
        let plainCSV = try await Self.csv(clerkB, kind: "in")
        #expect(plainCSV.contains { $0[5] == "(หนังสือลับ)" } && !plainCSV.contains { $0.joined().contains("ผลการสอบสวน") })

        // B answers: accepts three, rejects one with a reason. A sees each with B's register number.
        for letter in [sent[0].letter, sent[2].letter, sent[3].letter] {
            #expect(try await keeperB.form("/office/letters/in/\(Self.a)/\(letter)/answer", [("accept", "1")]).status == 303)
        }
        let rejected = try await clerkB.form(
            "/office/letters/in/\(Self.a)/\(sent[1].letter)/answer", [("accept", "0"), ("reason", "ไม่ใช่อำนาจหน้าที่ของ อบต.สุเทพ")])
        #expect(rejected.status == 303)
        try officeB.sync()
        try officeA.sync()
        let registerOf = Dictionary(uniqueKeysWithValues: incomingB.map { ($0[1], $0[0].split(separator: "/")[0]) })
        for (index, item) in sent.enumerated() {
            let row = try #require(Self.receivers(try await clerkA.page("/office/letters/out/\(item.letter)"))[Self.b])
            #expect(row.state == (index == 1 ? "ไม่รับ" : "รับแล้ว") && row.register == String(registerOf[item.number] ?? "?"), "\(item.number): \(row)")
        }
        #expect(Self.receivers(try await clerkA.page("/office/letters/out/\(sent[3].letter)"))[Self.c]?.state == "ส่งถึงแล้ว (รอลงรับ)")
        // And A's inbox holds B's four letters, its incoming register still empty until A receives them.
        let inboxA = try await clerkA.page("/office/letters")
        #expect(inboxA.matches(of: /href="\/office\/letters\/in\/6500102\//).count == 4)
        #expect(try await Self.csv(clerkA, kind: "in").isEmpty)
        _ = try await clerkA.form("/office/letters/in/\(Self.b)/\(offline.letter)/receive", [])
        #expect(try await Self.csv(clerkA, kind: "in").map { $0[1] } == ["ชม 7202/1"])
        // B's reading of the secret letter was recorded at B (and nowhere else).
        let readID = "\(Self.b).\(Self.a).\(sent[2].letter)"
        let reads = try CLI.run("records", "get", "--data", officeB.directory, "letter_reads", readID)
        #expect(reads.status == 0 && reads.stdout.contains("saraban"), "\(reads.stdout) \(reads.stderr)")
        #expect(try CLI.run("records", "get", "--data", officeA.directory, "letter_reads", readID).status != 0)
    }
}
