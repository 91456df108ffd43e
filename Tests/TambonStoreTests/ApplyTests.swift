import Foundation
import TambonCore
import TambonTestSupport
import Testing

@testable import TambonStore

@Suite struct ApplyTests {
    /// Applies `batch` expecting a refusal, and checks that nothing at all changed.
    func expectRefused(
        _ store: Store, _ batch: [Change], options: ApplyOptions = .init(), sourceLocation: SourceLocation = #_sourceLocation,
        _ check: (any Error) -> Bool
    ) async throws {
        let before = (try await store.statistics(), try await store.digest(scope: "5001"), try await store.node())
        do {
            try await store.apply(batch, options: options)
            Issue.record("the batch was applied", sourceLocation: sourceLocation)
        } catch {
            #expect(check(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
        let after = (try await store.statistics(), try await store.digest(scope: "5001"), try await store.node())
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2, "nothing may change", sourceLocation: sourceLocation)
    }

    func rejection(_ error: any Error, _ origin: TestOrigin, seq: Int64, code: String) -> Bool {
        guard let rejection = error as? ChangeRejection else { return false }
        return rejection.origin == origin.id && rejection.seq == seq && rejection.code == code
            && rejection.description.contains("#\(seq)") && rejection.description.contains(origin.id.short)
    }

    @Test func appliesAValidBatchAndIsIdempotent() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        let batch = [
            origin.change("app-1", [.set(field: "area", value: 120)]),
            origin.change("app-1", [.set(field: "status", value: "accepted"), .add(field: "events", id: "e1", value: 1)]),
        ]
        let result = try await store.apply(batch)
        #expect(result.applied == 2 && result.duplicates == 0)
        let digest = try await store.digest(scope: "5001")
        let again = try await store.apply(batch + batch.reversed())
        #expect(again.applied == 0 && again.duplicates == 4)
        #expect(try await store.digest(scope: "5001") == digest)
        #expect(try await store.statistics().changes == 2)
        #expect(try await store.record(collection: "permits", id: "app-1")?.fields == ["area": 120, "status": "accepted"])
    }

    @Test func refusesABadHashAndAppliesNothingOfTheBatch() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        let good = origin.change("app-1", [.set(field: "area", value: 120)])
        var bad = origin.change("app-2", [.set(field: "area", value: 90)])
        bad.operations = [.set(field: "area", value: 91)]
        try await expectRefused(store, [good, bad]) { rejection($0, origin, seq: 2, code: "bad_hash") }
    }

    @Test func refusesABadSignature() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        let impostor = TestOrigin(seed: 2)
        var forged = origin.change("app-1", [.set(field: "area", value: 120)])
        forged.signature = impostor.identity.sign(forged.hash)
        try await expectRefused(store, [forged]) { rejection($0, origin, seq: 1, code: "bad_signature") }
        // Without signature checking (benchmarks only) the same change is accepted: the check is what refused it.
        #expect(try await store.apply([forged], options: ApplyOptions(verifySignatures: false)).applied == 1)
    }

    @Test func refusesAForkAgainstTheLogAndWithinABatch() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        let first = origin.change("app-1", [.set(field: "area", value: 120)])
        try await store.apply([first])
        // The same origin and seq with other content: a restored backup or a copied directory writing again.
        let rewritten = try Change(
            origin: origin.id, seq: 1, hlc: first.hlc, collection: "permits", record: "app-1", scope: ["5001"],
            operations: [.set(field: "area", value: 999)], previous: nil
        ).signed(by: origin.identity)
        try await expectRefused(store, [rewritten]) { error in
            rejection(error, origin, seq: 1, code: "fork") && "\(error)".contains("re-used sequence numbers")
        }
        let fresh = try await makeNode()
        try await expectRefused(fresh, [first, rewritten]) { rejection($0, origin, seq: 1, code: "fork") }
    }

    @Test func refusesAChangeWhosePrevContradictsTheHeldChain() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        let one = origin.change("app-1", [.set(field: "a", value: 1)])
        let two = origin.change("app-1", [.set(field: "a", value: 2)])
        try await store.apply([one])
        var misLinked = two
        misLinked.previous = Array(repeating: 7, count: 32)
        misLinked.hash = misLinked.computeHash()
        misLinked.signature = origin.identity.sign(misLinked.hash)
        try await expectRefused(store, [misLinked]) { rejection($0, origin, seq: 2, code: "broken_chain") }

        // Arriving out of order: #2 held first, then a #1 that #2 does not name.
        let other = try await makeNode()
        try await other.apply([two])
        let impostorOne = try Change(
            origin: origin.id, seq: 1, hlc: one.hlc, collection: "permits", record: "app-1", scope: ["5001"],
            operations: [.set(field: "a", value: 100)], previous: nil
        ).signed(by: origin.identity)
        try await expectRefused(other, [impostorOne]) { rejection($0, origin, seq: 1, code: "broken_chain") }
        #expect(try await other.apply([one]).applied == 1, "the real #1 fits")
    }

    @Test func enforcesChainContinuityOnlyWhereAsked() async throws {
        let origin = TestOrigin(seed: 1)
        let changes = (1...4).map { origin.change("app-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        let authority = try await makeNode()
        let strict = ApplyOptions(enforceChain: true)
        try await expectRefused(authority, [changes[0], changes[2]], options: strict) { error in
            rejection(error, origin, seq: 3, code: "chain_gap") && "\(error)".contains("expected #2")
        }
        try await expectRefused(authority, [changes[1]], options: strict) { rejection($0, origin, seq: 2, code: "chain_gap") }
        #expect(try await authority.apply(Array(changes.reversed()), options: strict).applied == 4, "order within a batch does not matter")

        // A replica fed a scope-filtered stream accepts gaps and any order.
        let replica = try await makeNode()
        #expect(try await replica.apply([changes[3], changes[1]]).applied == 2)
        #expect(try await replica.apply([changes[2], changes[0]]).applied == 2)
        #expect(try await replica.digest(scope: "5001") == authority.digest(scope: "5001"))
    }

    @Test func refusesTimestampsTooFarAheadNamingOriginAndSkew() async throws {
        let clock = ManualClock(1_800_000_000_000)
        let store = try await makeNode(clock: clock)
        let origin = TestOrigin(seed: 1)
        let fine = origin.change("app-1", wall: clock.now + 60_000, [.set(field: "a", value: 1)])
        let wrongDate = origin.change("app-1", wall: clock.now + 86_400_000, [.set(field: "a", value: 2)])
        try await expectRefused(store, [fine, wrongDate]) { error in
            guard let rejection = error as? ChangeRejection, case .clockSkew(let skew) = rejection.reason else { return false }
            return rejection.seq == 2 && skew.origin == origin.id && skew.skewMillis == 86_400_000
                && rejection.description.contains("24 h")
        }
        #expect(try await store.apply([fine]).applied == 1)
    }

    @Test func theReceiveRuleOrdersLaterLocalWritesAfterAppliedChanges() async throws {
        let clock = ManualClock(1_800_000_000_000)
        let store = try await makeNode(clock: clock)
        let origin = TestOrigin(seed: 1)
        // A remote office whose clock is 4 minutes ahead (inside the bound) writes the field first…
        let remote = origin.change("app-1", wall: clock.now + 240_000, [.set(field: "status", value: "approved")])
        try await store.apply([remote])
        // …then this office overwrites it: its write must win, although its wall clock is behind.
        let local = try await store.write(collection: "permits", record: "app-1", set: ["status": "returned"])
        #expect(local.hlc > remote.hlc)
        #expect(try await store.record(collection: "permits", id: "app-1")?.fields["status"] == "returned")
    }

    @Test func aChangeOfThisNodeItDoesNotHoldRevealsAStaleCopy() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try DataDirectory(path: directory).create(configuration: .init())
        try await store.initialiseNode(office: "5001", name: "n")
        try await store.write(collection: "c", record: "5001.r", set: ["x": 1])
        // Back up the directory here, write more, then go back to the backup and receive the newer change.
        try FileManager.default.copyItem(atPath: directory, toPath: directory + "-backup")
        defer { try? FileManager.default.removeItem(atPath: directory + "-backup") }
        let newer = try await store.write(collection: "c", record: "5001.r", set: ["x": 2])
        let backup = try DataDirectory(path: directory + "-backup").open(configuration: .init())
        try await expectRefused(backup, [newer]) { ($0 as? StoreError)?.code == .staleLog }
    }

    @Test func aRefusalLaterInALargeBatchLeavesNothingApplied() async throws {
        let store = try await makeNode()
        let origin = TestOrigin(seed: 1)
        var batch = (0..<300).map { origin.change("app-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        batch[250].signature = Array(repeating: 0, count: 64)
        try await expectRefused(store, batch) { rejection($0, origin, seq: 251, code: "bad_signature") }
    }

    /// SPEC §5.3a: with runs authenticated (a node pulling from the hub), one origin's consecutive changes are
    /// covered by the chain of their hashes and the last one's signature; every change that does not continue a run
    /// in the batch has its own signature checked.
    @Test func aRunIsAuthenticatedByItsChainAndItsLastSignature() async throws {
        let runs = ApplyOptions(authenticateRuns: true)
        let impostor = TestOrigin(seed: 9)
        func forge(_ change: inout Change) { change.signature = impostor.identity.sign(change.hash) }

        // A run of five whose middle signatures are not the origin's: the chain and the fifth signature cover them.
        let origin = TestOrigin(seed: 1)
        var run = (0..<5).map { origin.change("app-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        for index in 0..<4 { forge(&run[index]) }
        let store = try await makeNode()
        try await expectRefused(store, run) { rejection($0, origin, seq: 1, code: "bad_signature") }  // every signature, by default
        #expect(try await store.apply(run.shuffled(), options: runs).applied == 5, "in any order: the batch is taken in (origin, seq) order")

        // The run's last signature is checked.
        let second = TestOrigin(seed: 2)
        var forgedEnd = (0..<3).map { second.change("b-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        forge(&forgedEnd[2])
        try await expectRefused(try await makeNode(), forgedEnd, options: runs) { rejection($0, second, seq: 3, code: "bad_signature") }

        // A gap ends a run: #2 stands alone before #4, so its own signature is checked.
        let third = TestOrigin(seed: 3)
        var gapped = (0..<4).map { third.change("c-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        forge(&gapped[1])
        try await expectRefused(try await makeNode(), [gapped[0], gapped[1], gapped[3]], options: runs) {
            rejection($0, third, seq: 2, code: "bad_signature")
        }

        // A change re-delivered without its neighbours (a record joining an office's scope) is checked alone.
        try await expectRefused(try await makeNode(), [gapped[1]], options: runs) { rejection($0, third, seq: 2, code: "bad_signature") }

        // A `prev` that does not name the change before it ends the run there too.
        let fourth = TestOrigin(seed: 4)
        var unchained = (0..<3).map { fourth.change("d-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        forge(&unchained[1])
        var other = unchained[2]
        other.previous = Array(repeating: 7, count: 32)
        other = other.signed(by: fourth.identity)
        try await expectRefused(try await makeNode(), [unchained[0], unchained[1], other], options: runs) {
            rejection($0, fourth, seq: 2, code: "bad_signature")
        }

        // A change altered in the middle of a run, its hash recomputed and the next `prev` derived from it (as a
        // receiver fills in a left-out prev): the chain no longer meets the last signature, and nothing is applied.
        let fifth = TestOrigin(seed: 5)
        var tampered = (0..<4).map { fifth.change("e-\($0)", [.set(field: "n", value: .number(Double($0)))]) }
        tampered[1].operations = [.set(field: "n", value: 1_000_000)]
        for index in 1..<4 {
            if index > 1 { tampered[index].previous = tampered[index - 1].hash }
            tampered[index].hash = tampered[index].computeHash()  // recomputed; the signature kept
        }
        try await expectRefused(try await makeNode(), tampered, options: runs) { rejection($0, fifth, seq: 4, code: "bad_signature") }
    }

    @Test func anUninitialisedStoreRefusesEverything() async throws {
        let store = try Store.inMemory()
        let origin = TestOrigin(seed: 1)
        await #expect(throws: StoreError.self) { try await store.apply([origin.change("r", [.set(field: "a", value: 1)])]) }
        await #expect(throws: StoreError.self) { try await store.write(collection: "c", record: "r", set: ["a": 1]) }
    }
}
