import Foundation
import Synchronization
import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// One suite, every hub backend (as Litestream runs one suite against every replica type): what the hub's
/// endpoints rely on — apply and its refusals, forks and chains, the authority rules, the feed and its cursors,
/// re-delivery when a record joins an office, roster shares, digests, the hub's own writes and the peer register —
/// must behave the same on SQLite and on PostgreSQL.
@Suite struct HubLogConformanceTests {
    @Test func postgresIsReachableWhenRequired() {
        guard ProcessInfo.processInfo.environment["TAMBON_REQUIRE_POSTGRES"] == "1" else { return }
        #expect(HubBackend.server != nil, "scripts/test started PostgreSQL but TAMBON_TEST_POSTGRES is missing or malformed")
    }

    /// Enrols an office node of `office` with key `origin`, as `POST /v1/enrol` does.
    static func enrol(_ origin: TestOrigin, office: String, role: Peer.Role = .office, in hub: any HubLog) async throws {
        let token = try await hub.registry.createEnrolmentToken(office: office, role: role)
        _ = try await hub.registry.enrol(token: token, node: origin.id, office: office, name: "node of \(office)")
    }

    /// Office nodes of 5001 (seed 1) and 5002 (seed 2), enrolled.
    static func twoOffices(in hub: any HubLog) async throws -> (TestOrigin, TestOrigin) {
        let a = TestOrigin(seed: 1), b = TestOrigin(seed: 2)
        try await enrol(a, office: "5001", in: hub)
        try await enrol(b, office: "5002", in: hub)
        return (a, b)
    }

    static func drain(_ hub: any HubLog, office: String, excluding: NodeID? = nil, limit: Int = 3) async throws -> [StoredChange] {
        var cursor: Int64 = 0
        var seen: [StoredChange] = []
        while true {
            let page = try await hub.storedChanges(after: cursor, scope: office, excluding: excluding, limit: limit)
            #expect(page.changes.map(\.position) == page.changes.map(\.position).sorted())
            seen += page.changes.map(\.change)
            #expect(page.cursor >= cursor)
            cursor = page.cursor
            if !page.more { break }
        }
        // A caught-up cursor pages nothing and stays.
        let again = try await hub.storedChanges(after: cursor, scope: office, excluding: excluding, limit: limit)
        #expect(again.changes.isEmpty && again.cursor == cursor && !again.more)
        return seen
    }

    @Test(arguments: HubBackend.available)
    func pushesApplyOnceAndPageThroughEachOfficesFeed(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let (a, b) = try await Self.twoOffices(in: hub)
            var batch: [Change] = []
            for index in 0..<7 {
                batch.append(a.change("applications", "5001.app-\(index)", scope: ["5001"], [.set(field: "n", value: .number(Double(index)))]))
            }
            let result = try await hub.apply(batch, options: ApplyOptions(enforceChain: true))
            #expect(result.applied == 7 && result.duplicates == 0 && result.refused.isEmpty)
            // The same push again (a lost answer): nothing new.
            let again = try await hub.apply(batch, options: ApplyOptions(enforceChain: true))
            #expect(again.applied == 0 && again.duplicates == 7)
            let letter = b.change("letter_copies", "5002.l-1.5001", scope: ["5001", "5002"], [.set(field: "subject", value: "ประชุม")])
            _ = try await hub.apply([letter], options: ApplyOptions(enforceChain: true))

            let seen5001 = try await Self.drain(hub, office: "5001", excluding: a.id)
            // Office 5001 gets the letter, and B's roster entry shared with it so it knows the writer (SPEC §15.4).
            #expect(seen5001.contains { $0.origin == b.id && $0.record == "5002.l-1.5001" })
            #expect(seen5001.contains { $0.collection == AuthorityRules.rosterCollection && $0.record == "5002." + b.id.hex })
            #expect(!seen5001.contains { $0.origin == a.id })
            let all5001 = try await Self.drain(hub, office: "5001")
            #expect(all5001.filter { $0.origin == a.id }.map(\.seq) == Array(1...7))
            // Read back, every change is the signed one.
            for stored in all5001 {
                #expect(throws: Never.self) { try ChangeValidator.verify(try stored.decoded(), checkSignature: true) }
            }
            #expect(try await Self.drain(hub, office: "5003").isEmpty)
            let record = try await hub.record(collection: "applications", id: "5001.app-3")
            #expect(record?.fields["n"] == .number(3) && record?.scope == ["5001"])
            #expect(try await hub.records(collection: "applications", office: "5001").map(\.id).sorted() == (0..<7).map { "5001.app-\($0)" })
            #expect(try await hub.storedChanges(collection: "applications", record: "5001.app-3", limit: 5)?.count == 1)
        }
    }

    @Test(arguments: HubBackend.available)
    func forksGapsAndBrokenChainsRefuseTheWholeBatch(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let a = TestOrigin(seed: 1)
            try await Self.enrol(a, office: "5001", in: hub)
            let first = a.change("applications", "5001.x", scope: ["5001"], [.set(field: "n", value: 1)])
            let second = a.change("applications", "5001.x", scope: ["5001"], [.set(field: "n", value: 2)])
            let third = a.change("applications", "5001.x", scope: ["5001"], [.set(field: "n", value: 3)])
            // A gap: #2 without #1, with the chain enforced.
            await #expect(throws: ChangeRejection.self) { try await hub.apply([second], options: ApplyOptions(enforceChain: true)) }
            _ = try await hub.apply([first, second], options: ApplyOptions(enforceChain: true))
            // A fork: another #2 of the same origin.
            var forked = Change(
                origin: a.id, seq: 2, hlc: second.hlc, collection: "applications", record: "5001.x", scope: ["5001"],
                operations: [.set(field: "n", value: 99)], previous: first.hash)
            forked = forked.signed(by: a.identity)
            do {
                _ = try await hub.apply([third, forked], options: ApplyOptions(enforceChain: true))
                Issue.record("a fork was accepted")
            } catch let rejection as ChangeRejection {
                #expect(rejection.code == "fork")
            }
            // Nothing of the refused batch was applied: #3 is not held.
            #expect(try await hub.record(collection: "applications", id: "5001.x")?.fields["n"] == .number(2))
            // A tampered change (its content changed after signing) is refused by its hash.
            var tampered = third
            tampered.operations = [.set(field: "n", value: 1000)]
            await #expect(throws: ChangeRejection.self) { try await hub.apply([tampered], options: ApplyOptions(enforceChain: true)) }
            _ = try await hub.apply([third], options: ApplyOptions(enforceChain: true))
            #expect(try await hub.record(collection: "applications", id: "5001.x")?.fields["n"] == .number(3))
        }
    }

    @Test(arguments: HubBackend.available)
    func theAuthorityRulesHoldRefusedChangesInertAndSayWhy(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let a = TestOrigin(seed: 1), stranger = TestOrigin(seed: 9)
            try await Self.enrol(a, office: "5001", in: hub)
            let own = a.change("applications", "5001.ok", scope: ["5001"], [.set(field: "n", value: 1)])
            let foreign = a.change("applications", "5002.theirs", scope: ["5002"], [.set(field: "n", value: 1)])
            let hubOnly = a.change("payments", "5001.p", scope: ["5001"], [.set(field: "n", value: 1)])
            let result = try await hub.apply([own, foreign, hubOnly], options: ApplyOptions(enforceChain: true))
            #expect(result.applied == 1)
            #expect(result.refused.map(\.seq) == [2, 3])
            #expect(result.refused.map(\.refusal.reason) == [.notOwner, .hubOnly])
            #expect(try await hub.record(collection: "applications", id: "5002.theirs") == nil)
            #expect(try await Self.drain(hub, office: "5002").isEmpty)
            // Sent again, the refusals are listed again (the node's answer was lost).
            let again = try await hub.apply([own, foreign, hubOnly], options: ApplyOptions(enforceChain: true))
            #expect(again.duplicates == 3 && again.refused.map(\.seq) == [2, 3])
            // A writer the roster does not name waits, inert, and is not listed.
            let waiting = try await hub.apply(
                [stranger.change("applications", "5009.x", scope: ["5009"], [.set(field: "n", value: 1)])], options: ApplyOptions())
            #expect(waiting.applied == 0 && waiting.refused.isEmpty)
            #expect(try await hub.record(collection: "applications", id: "5009.x") == nil)
            // Once it enrols, its waiting change is judged again and applies.
            try await Self.enrol(stranger, office: "5009", in: hub)
            #expect(try await hub.record(collection: "applications", id: "5009.x")?.fields["n"] == .number(1))
            #expect(try await Self.drain(hub, office: "5009").contains { $0.origin == stranger.id })
        }
    }

    @Test(arguments: HubBackend.available)
    func aRecordJoiningAnOfficeBringsItsHistoryThere(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let a = TestOrigin(seed: 1)
            try await Self.enrol(a, office: "5001", in: hub)
            let created = a.change("letters", "5001.l", scope: ["5001"], [.set(field: "subject", value: "ร่าง")])
            let edited = a.change("letters", "5001.l", scope: ["5001"], [.add(field: "files", id: "f1", value: "x")])
            _ = try await hub.apply([created, edited], options: ApplyOptions(enforceChain: true))
            #expect(try await Self.drain(hub, office: "5002").isEmpty)
            let shared = a.change("letters", "5001.l", scope: ["5001", "5002"], [.set(field: "status", value: "sent")])
            _ = try await hub.apply([shared], options: ApplyOptions(enforceChain: true))
            let delivered = try await Self.drain(hub, office: "5002").filter { $0.origin == a.id }.map(\.seq)
            #expect(delivered == [1, 2, 3])
            let letter = try await hub.record(collection: "letters", id: "5001.l")
            #expect(letter?.scope == ["5001", "5002"] && letter?.sets["files"]?["f1"] == "x" && letter?.fields["status"] == "sent")
        }
    }

    @Test(arguments: HubBackend.available)
    func feedBoundsHoldACostlyChangeAndRefuseACostlyBatch(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let a = TestOrigin(seed: 1)
            try await Self.enrol(a, office: "5001", in: hub)
            var history: [Change] = []
            for index in 0..<5 {
                history.append(a.change("letters", "5001.big", scope: ["5001"], [.set(field: "n", value: .number(Double(index)))]))
            }
            _ = try await hub.apply(history, options: ApplyOptions(enforceChain: true))
            // Joining 3 offices re-delivers 5 changes to each: 4 + 3 × 5 = 19 rows, over a bound of 10.
            var bounded = ApplyOptions(enforceChain: true)
            bounded.maximumFeedRowsPerChange = 10
            let wide = a.change("letters", "5001.big", scope: ["5001", "5002", "5003", "5004"], [.set(field: "status", value: "sent")])
            let result = try await hub.apply([wide], options: bounded)
            #expect(result.refused.map(\.refusal.reason) == [.feedLimit])
            #expect(try await Self.drain(hub, office: "5003").isEmpty)
            // A batch over its budget is refused whole.
            var budget = ApplyOptions(enforceChain: true)
            budget.maximumFeedRowsPerBatch = 3
            let more = (0..<4).map { a.change("applications", "5001.a\($0)", scope: ["5001"], [.set(field: "n", value: 1)]) }
            do {
                _ = try await hub.apply(more, options: budget)
                Issue.record("a batch over its feed budget was applied")
            } catch let error as TambonError {
                #expect(error.code == "push_too_costly")
            }
            #expect(try await hub.record(collection: "applications", id: "5001.a0") == nil)
        }
    }

    @Test(arguments: HubBackend.available)
    func theHubsOwnWritesChainAndMergeByVersion(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let node = try #require(try await hub.node())
            let written = try await hub.write([
                LocalEdit(collection: "agencies", record: "hub.moi", set: ["name": "กระทรวงมหาดไทย"]),
                LocalEdit(collection: "hub_settings", record: "hub.fees", set: ["rate": 1], scope: ["hub"]),
            ])
            #expect(written.map(\.seq) == [node.lastSeq + 1, node.lastSeq + 2])
            #expect(written[1].previous == written[0].hash && written[0].origin == node.id)
            let later = try await hub.write([LocalEdit(collection: "hub_settings", record: "hub.fees", set: ["rate": 2])])
            #expect(later[0].scope == ["hub"])
            #expect(try await hub.record(collection: "hub_settings", id: "hub.fees")?.fields["rate"] == .number(2))
            #expect(try await hub.node()?.lastSeq == later[0].seq)
            // A write the validator refuses signs nothing.
            await #expect(throws: (any Error).self) {
                _ = try await hub.write([LocalEdit(collection: "", record: "hub.x", set: ["a": 1])])
            }
            #expect(try await hub.node()?.lastSeq == later[0].seq)
        }
    }

    @Test(arguments: HubBackend.available)
    func attachmentsAreReadOnlyThroughRecordsOfTheirUploaders(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let (a, b) = try await Self.twoOffices(in: hub)
            let hash = String(repeating: "ab", count: 32)
            let reference: JSONValue = ["sha256": .string(hash), "size": 1200, "type": "application/pdf"]
            // A's application names the file, and a letter A shares with B names it too.
            _ = try await hub.apply(
                [
                    a.change("applications", "5001.app", scope: ["5001"], [.add(field: "attachments", id: hash, value: reference)]),
                    a.change("letter_copies", "5001.l.5002", scope: ["5001", "5002"], [.add(field: "attachments", id: hash, value: reference)]),
                ], options: ApplyOptions(enforceChain: true))
            #expect(try await hub.attachmentReference(hash, office: "5001")?.size == 1200)
            #expect(try await hub.attachmentReference(hash, office: "5002")?.type == "application/pdf")
            #expect(try await hub.attachmentReference(hash, office: "5002", excluding: ["letter_copies"]) == nil)
            #expect(try await hub.attachmentReference(hash, office: "5003") == nil)
            // Nobody may read it before its owner uploaded it whole.
            #expect(try await hub.readableAttachment(hash, office: "5001") == nil)
            try await hub.addAttachmentOwner(hash, office: "5001", size: 1200)
            try await hub.addAttachmentOwner(hash, office: "5001", size: 1200)  // again: nothing more
            #expect(try await hub.ownsAttachment(hash, office: "5001"))
            #expect(try await !hub.ownsAttachment(hash, office: "5002"))
            #expect(try await hub.attachmentUsage(office: "5001") == 1200)
            #expect(try await hub.attachmentUsage(office: "5002") == 0)
            #expect(try await hub.readableAttachment(hash, office: "5001")?.sha256 == hash)
            #expect(try await hub.readableAttachment(hash, office: "5002")?.sha256 == hash)
            // B naming the same hash in its own record gains nothing: B uploaded nothing.
            _ = try await hub.apply(
                [b.change("applications", "5002.app", scope: ["5002"], [.add(field: "attachments", id: hash, value: reference)])],
                options: ApplyOptions(enforceChain: true))
            #expect(try await hub.readableAttachment(hash, office: "5003") == nil)
        }
    }

    @Test(arguments: HubBackend.available)
    func readDecideWriteTransactionsLoseNoUpdate(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            // Twenty increments at once, each reading the counter and writing it plus one: none may read a value
            // another has already moved past.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        _ = try await hub.readWrite { reads in
                            let held = try reads.record(collection: "hub_settings", id: "hub.counter")?.fields["n"]?.integerValue ?? 0
                            let role = try reads.role()
                            #expect(reads.node.office == "hub" && role == .hub)
                            return [LocalEdit(collection: "hub_settings", record: "hub.counter", set: ["n": .number(Double(held + 1))])]
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await hub.record(collection: "hub_settings", id: "hub.counter")?.fields["n"] == .number(20))
            // A body that throws writes nothing.
            let before = try await hub.node()?.lastSeq
            await #expect(throws: TambonError.self) {
                _ = try await hub.readWrite { _ in throw TambonError(.conflict, "no", "decided against it") }
            }
            #expect(try await hub.node()?.lastSeq == before)
            // The bill lookup finds a payment by the bill it names, within its office.
            _ = try await hub.write([
                LocalEdit(collection: "payments", record: "5001.pay-1", set: ["bill": "6911P100001"], scope: ["5001"]),
                LocalEdit(collection: "payments", record: "5002.pay-2", set: ["bill": "6911P100001"], scope: ["5002"]),
            ])
            // A body may run more than once (a rehearsal on PostgreSQL): what it saw last is what it decided on.
            let ids = Mutex<[String]>([])
            let found = try await hub.readWrite { reads in
                let found = try reads.recordIDs(collection: "payments", .bill, "6911P100001", office: "5001")
                ids.withLock { $0 = found }
                return []
            }
            #expect(found.isEmpty)
            #expect(ids.withLock { $0 } == ["5001.pay-1"])
        }
    }

    /// A read-decide-write body decides on what the log holds under its lock, whatever it saw before. On
    /// PostgreSQL the body is first rehearsed outside the lock in rounds (the first answers everything as absent,
    /// the second on what the first missed) and its edits dropped: a write landing after the rehearsal is seen, a
    /// read the rehearsal did not make is answered all the same, and the reads made ahead answer records and bill
    /// lookups as live reads would.
    @Test(arguments: HubBackend.available)
    func readDecideWriteDecidesOnWhatIsHeldUnderTheLock(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            _ = try await hub.write([
                LocalEdit(collection: "hub_settings", record: "hub.a", set: ["n": .number(1)]),
                LocalEdit(collection: "hub_settings", record: "hub.c", set: ["n": .number(5)]),
                LocalEdit(collection: "hub_settings", record: "hub.d", set: ["n": .number(10)]),
                LocalEdit(collection: "payments", record: "5001.pay-1", set: ["bill": "6911P100001"], scope: ["5001"]),
                LocalEdit(collection: "payments", record: "5001.pay-3", set: ["awaiting": "6911P100009"], scope: ["5001"]),
                LocalEdit(collection: "payments", record: "5002.pay-2", set: ["bill": "6911P100001"], scope: ["5002"]),
            ])
            let rehearses = backend == .postgres
            // Two rounds of rehearsal, then the run under the lock.
            let final = rehearses ? 3 : 1
            let runs = Mutex(0), paused = Mutex(false)
            let seen = Mutex<[String]>([])
            let decision = Task {
                try await hub.readWrite { reads in
                    let run = runs.withLock {
                        $0 += 1; return $0
                    }
                    let a = try reads.record(collection: "hub_settings", id: "hub.a")?.fields["n"]?.integerValue ?? 0
                    let c = try reads.record(collection: "hub_settings", id: "hub.c")?.fields["n"]?.integerValue ?? 0
                    let lookups = [
                        try reads.recordIDs(collection: "payments", .bill, "6911P100001", office: "5001"),
                        try reads.recordIDs(collection: "payments", .bill, "6911P100001", office: "5002"),
                        try reads.recordIDs(collection: "payments", .awaiting, "6911P100009", office: "5001"),
                        try reads.recordIDs(collection: "payments", .bill, "6911P100009", office: "5001"),
                    ]
                    let none = try reads.record(collection: "hub_settings", id: "hub.none")
                    seen.withLock { $0 = lookups.map { $0.joined(separator: ",") } + [none == nil ? "no record" : "a record"] }
                    if rehearses, run == final - 1 {
                        // The rehearsal's last round, its reads made: let another write land before the lock is taken.
                        paused.withLock { $0 = true }
                        let deadline = Date().addingTimeInterval(30)
                        while paused.withLock({ $0 }), Date() < deadline { usleep(2_000) }
                    }
                    // A read the rehearsal never made.
                    let d = run == final ? try reads.record(collection: "hub_settings", id: "hub.d")?.fields["n"]?.integerValue ?? 0 : 0
                    return [LocalEdit(collection: "hub_settings", record: "hub.b", set: ["n": .number(Double(a + c + d))])]
                }
            }
            if rehearses {
                while !paused.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
                _ = try await hub.write([LocalEdit(collection: "hub_settings", record: "hub.a", set: ["n": .number(2)])])
                paused.withLock { $0 = false }
            }
            #expect(try await decision.value.count == 1)
            #expect(try await hub.record(collection: "hub_settings", id: "hub.b")?.fields["n"] == .number(rehearses ? 17 : 16))
            #expect(runs.withLock { $0 } == final)
            #expect(seen.withLock { $0 } == ["5001.pay-1", "5002.pay-2", "5001.pay-3", "", "no record"])
        }
    }

    /// Writers queued for the log's lock never hold up readers: while one transaction holds the lock, 40 more
    /// writes wait for it (on PostgreSQL each holding a connection while it waits) and 40 reads are answered all the
    /// same. With one pool of 20 for both, the waiting writers held every connection and the reads waited for the
    /// lock's holder (the outage's no-op syncs, BENCHMARKS.md).
    ///
    /// PostgreSQL only: its pools are what this is about. SQLite on disk (WAL, GRDB's readers beside one writer)
    /// passed alone, but once in the full suite on 2 cores its reads were not answered within 20 s; not yet
    /// understood (issue 17's note), so it is not claimed here.
    @Test(arguments: HubBackend.available.filter { $0 == .postgres })
    func readsAreAnsweredWhileWritersQueueForTheLock(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            // The metrics' view of the pools: every lease reported, by pool.
            let leases = [ConnectionPool: Tally](uniqueKeysWithValues: ConnectionPool.allCases.map { ($0, Tally()) })
            hub.observeConnectionWaits { pool, _ in leases[pool]?.add() }
            _ = try await hub.write([LocalEdit(collection: "hub_settings", record: "hub.a", set: ["n": .number(1)])])
            // A rehearsal (which reads nothing here) runs first; the run after it holds the lock.
            let underLock = 2
            let runs = Mutex(0), holding = Mutex(false), release = Mutex(false)
            let holder = Task {
                try await hub.readWrite { _ in
                    let run = runs.withLock {
                        $0 += 1; return $0
                    }
                    if run == underLock {
                        holding.withLock { $0 = true }
                        let deadline = Date().addingTimeInterval(60)
                        while !release.withLock({ $0 }), Date() < deadline { usleep(2_000) }
                    }
                    return [LocalEdit(collection: "hub_settings", record: "hub.holder", set: ["n": .number(1)])]
                }
            }
            while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
            let written = Tally()
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            _ = try await hub.write([
                                LocalEdit(collection: "hub_settings", record: "hub.w\(index)", set: ["n": .number(Double(index))])
                            ])
                            written.add()
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Let the writers reach the lock (and, on PostgreSQL, take their connections).
            try await Task.sleep(for: .milliseconds(500))
            let answered = Tally()
            let readers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            _ = try await hub.record(collection: "hub_settings", id: "hub.a")
                            _ = try await hub.storedChanges(after: 0, scope: "5001", excluding: nil, limit: 10)
                            answered.add()
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while answered.value < 40, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            let readWhileHeld = answered.value
            let writtenWhileHeld = written.value
            release.withLock { $0 = true }
            _ = try await holder.value
            try await writers.value
            try await readers.value
            #expect(readWhileHeld == 40, "reads answered while the lock was held and writers queued")
            #expect(writtenWhileHeld == 0, "no write passes the lock's holder")
            #expect(written.value == 40)
            #expect(try await hub.record(collection: "hub_settings", id: "hub.w39")?.fields["n"] == .number(39))
            #expect(try await hub.record(collection: "hub_settings", id: "hub.holder") != nil)
            #expect(leases[.write]!.value == 42, "each write, the holder's included, leased a writer's connection")
            #expect(leases[.read]!.value >= 80, "each read leased a reader's connection")
        }
    }

    /// The hub's nonce check written behind (``NonceLedger``): a replay is refused before anything is written,
    /// one write records every node's latest request, a nonce or a time is never lowered, and a fresh ledger (a
    /// restarted hub) starts from what was written.
    @Test(arguments: HubBackend.available)
    func requestNoncesAreCheckedInMemoryAndWrittenBehind(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let registry = hub.registry
            let a = TestOrigin(seed: 1), b = TestOrigin(seed: 2), stranger = TestOrigin(seed: 9)
            for (origin, office) in [(a, "5001"), (b, "5002")] {
                let token = try await registry.createEnrolmentToken(office: office, role: .office)
                _ = try await registry.enrol(token: token, node: origin.id, office: office, name: office)
            }
            let ledger = NonceLedger(directory: registry, wallClock: hub.configuration.wallClock, writeThrough: false)
            func code(_ node: NodeID, _ nonce: Int64) async -> String {
                do {
                    _ = try await ledger.authenticate(node: node, nonce: nonce, skewMillis: nil)
                    return "accepted"
                } catch let error as TambonError {
                    return error.code.rawValue
                } catch {
                    return "\(error)"
                }
            }
            let before = hub.configuration.wallClock()
            #expect(try await ledger.authenticate(node: a.id, nonce: 7, skewMillis: -30).office == "5001")
            #expect(await code(a.id, 7) == PeerRegistry.Refusal.replayedRequest.rawValue)
            #expect(await code(a.id, 3) == PeerRegistry.Refusal.replayedRequest.rawValue)
            #expect(await code(a.id, 8) == "accepted")
            #expect(await code(b.id, 1) == "accepted")
            #expect(await code(stranger.id, 1) == PeerRegistry.Refusal.unknownNode.rawValue)
            // Nothing written yet: the register still holds the enrolment's nonce, the ledger knows better.
            #expect(try await registry.lastNonce(of: a.id) == 0)
            #expect(try await ledger.lastNonce(of: a.id) == 8)
            #expect(try await ledger.lastNonce(of: stranger.id) == nil)
            #expect(ledger.pending == 2)

            #expect(try await ledger.flush() == 2)
            #expect(ledger.pending == 0)
            #expect(try await registry.lastNonce(of: a.id) == 8)
            #expect(try await registry.lastNonce(of: b.id) == 1)
            let written = try #require(try await registry.peer(a.id))
            #expect(written.skewMillis == -30, "the skew of the first request stays when the next measured none")
            let seenMillis = try #require(written.lastSeenMillis)
            #expect(seenMillis >= before && seenMillis <= hub.configuration.wallClock())
            #expect(try await registry.lastSeenByOffice()["5002"] == .some(try await registry.peer(b.id)?.lastSeenMillis))

            // A restarted hub refuses what was written; an older entry never lowers what is held.
            let restarted = NonceLedger(directory: registry, wallClock: hub.configuration.wallClock, writeThrough: false)
            await #expect(throws: TambonError.self) { _ = try await restarted.authenticate(node: a.id, nonce: 8, skewMillis: nil) }
            try await registry.recordRequests([NonceLedger.Seen(node: a.id, nonce: 2, seenMillis: 1, skewMillis: nil)])
            #expect(try await registry.lastNonce(of: a.id) == 8)
            #expect(try await registry.peer(a.id)?.lastSeenMillis == written.lastSeenMillis)
            #expect(try await registry.peer(a.id)?.skewMillis == -30)

            // A revoked node is refused at once, whatever the ledger holds.
            try await registry.revoke(node: b.id)
            #expect(await code(b.id, 50) == PeerRegistry.Refusal.revokedNode.rawValue)
            #expect(try await ledger.flush() == 0)
        }
    }

    @Test(arguments: HubBackend.available)
    func thePeerRegisterEnrolsOnceAuthenticatesOnceAndRevokes(_ backend: HubBackend) async throws {
        try await backend.withHub { hub in
            let registry = hub.registry
            let a = TestOrigin(seed: 1), b = TestOrigin(seed: 2)
            let token = try await registry.createEnrolmentToken(office: "5001", role: .office)
            #expect(try await registry.enrolmentTokenOffice(token) == "5001")
            await #expect(throws: TambonError.self) { _ = try await registry.enrol(token: token, node: a.id, office: "5002", name: "x") }
            let peer = try await registry.enrol(token: token, node: a.id, office: "5001", name: "a")
            #expect(peer.office == "5001" && peer.role == .office && peer.active && peer.acceptedSeq == 0)
            do {
                _ = try await registry.enrol(token: token, node: b.id, office: "5001", name: "b")
                Issue.record("a used token enrolled a second node")
            } catch let error as TambonError {
                #expect(error.code == PeerRegistry.Refusal.usedToken)
            }
            let second = try await registry.createEnrolmentToken(office: "5001", role: .office)
            do {
                _ = try await registry.enrol(token: second, node: b.id, office: "5001", name: "b")
                Issue.record("a second office node was enrolled")
            } catch let error as TambonError {
                #expect(error.code == PeerRegistry.Refusal.officeNodeExists)
            }
            await #expect(throws: TambonError.self) { _ = try await registry.createEnrolmentToken(office: "hub", role: .office) }
            await #expect(throws: TambonError.self) { _ = try await registry.enrolmentTokenOffice("tbn1.nope") }

            _ = try await registry.authenticate(node: a.id, nonce: 5, skewMillis: 12)
            do {
                _ = try await registry.authenticate(node: a.id, nonce: 5, skewMillis: nil)
                Issue.record("a replayed nonce was accepted")
            } catch let error as TambonError {
                #expect(error.code == PeerRegistry.Refusal.replayedRequest)
            }
            #expect(try await registry.lastNonce(of: a.id) == 5)
            #expect(try await registry.peer(a.id)?.skewMillis == 12)

            _ = try await hub.apply(
                [a.change("applications", "5001.x", scope: ["5001"], [.set(field: "n", value: 1)])], options: ApplyOptions(enforceChain: true))
            #expect(try await registry.peer(a.id)?.acceptedSeq == 1)
            let revoked = try await registry.revoke(node: a.id)
            #expect(!revoked.active && revoked.revokedAfterSeq == 1)
            do {
                _ = try await registry.authenticate(node: a.id, nonce: 6, skewMillis: nil)
                Issue.record("a revoked node was authenticated")
            } catch let error as TambonError {
                #expect(error.code == PeerRegistry.Refusal.revokedNode)
            }
            // Its roster entry says so, and its later changes are refused.
            let entry = try await hub.record(collection: AuthorityRules.rosterCollection, id: "5001." + a.id.hex)
            #expect(entry?.fields["revoked_after_seq"] == .number(1))
            let late = try await hub.apply(
                [a.change("applications", "5001.y", scope: ["5001"], [.set(field: "n", value: 1)])], options: ApplyOptions())
            #expect(late.refused.map(\.refusal.reason) == [.revokedWriter])
            #expect(try await registry.all().map(\.id) == [a.id])
            #expect(try await registry.publishRoster() == 0)
            // The reports' "data as of": each office's latest request (a revoked node's counts); nil if never seen.
            let c = TestOrigin(seed: 3)
            let third = try await registry.createEnrolmentToken(office: "5002", role: .office)
            _ = try await registry.enrol(token: third, node: c.id, office: "5002", name: "c")
            let seen = try await registry.lastSeenByOffice()
            let lastSeen = try #require(try await registry.peer(a.id)?.lastSeenMillis)
            #expect(seen.count == 2 && seen["5001"] == .some(lastSeen) && seen["5002"] == .some(nil))
        }
    }

    /// The same pushes on both backends give the same feed for every office and the same digests.
    @Test func bothBackendsHoldTheSameStateForTheSamePushes() async throws {
        guard HubBackend.available.count == 2 else { return }
        let offices = ["5001", "5002", "5003"]
        func run(_ backend: HubBackend) async throws -> [String: (feed: [String], digest: String)] {
            try await backend.withHub { hub in
                let origins = offices.enumerated().map { TestOrigin(seed: UInt8($0.offset + 1)) }
                for (origin, office) in zip(origins, offices) { try await Self.enrol(origin, office: office, in: hub) }
                var random = SystemRandomNumberGenerator()
                _ = random.next()
                for round in 0..<6 {
                    for (index, origin) in origins.enumerated() {
                        let office = offices[index]
                        let other = offices[(index + 1 + round) % offices.count]
                        let batch = [
                            origin.change(
                                "applications", "\(office).app-\(round)", scope: [office], [.set(field: "round", value: .number(Double(round)))]),
                            origin.change(
                                "letters", "\(office).l-\(round % 2)", scope: Array(Set([office, other])).sorted(),
                                [.set(field: "n", value: .number(Double(round))), .add(field: "log", id: "r\(round)", value: .number(Double(round)))]),
                        ]
                        _ = try await hub.apply(batch, options: ApplyOptions(enforceChain: true))
                    }
                }
                var result: [String: (feed: [String], digest: String)] = [:]
                for office in offices {
                    let feed = try await Self.drain(hub, office: office, limit: 7).map { "\($0.collection)/\($0.record)#\($0.seq)" }
                    result[office] = (feed, try await hub.digest(scope: office))
                }
                return result
            }
        }
        let sqlite = try await run(.sqlite)
        let postgres = try await run(.postgres)
        for office in offices {
            #expect(sqlite[office]?.digest == postgres[office]?.digest, "digest of \(office)")
            // Roster changes are the hub's, signed with a different hub key on each: compare the offices' own.
            let own: ([String]) -> [String] = { $0.filter { !$0.hasPrefix(AuthorityRules.rosterCollection + "/") } }
            #expect(own(sqlite[office]?.feed ?? []) == own(postgres[office]?.feed ?? []), "feed of \(office)")
        }
    }
}
