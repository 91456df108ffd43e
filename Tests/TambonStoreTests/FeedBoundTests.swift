import TambonCore
import TambonStore
import TambonTestSupport
import Testing

/// SPEC §6.2: the feed rows one change and one batch may make at the hub. The attack of issue 13: a record's scope
/// toggled between one office and 64, which re-delivers its whole history to 63 offices at every toggle.
@Suite struct FeedBoundTests {
    static let others = (2...64).map { "650\(1000 + $0)" }

    /// `count` changes of one record of 6500101, its scope toggling between the office alone and 64 offices.
    static func toggles(_ origin: TestOrigin, count: Int, from: Int = 0) -> [Change] {
        (from..<(from + count)).map { index in
            origin.change(
                "applications", "6500101.toggled", scope: index % 2 == 0 ? ["6500101"] + others : ["6500101"],
                [.set(field: "n", value: .number(Double(index)))])
        }
    }

    /// A hub with one enrolled office node of 6500101, and the options its pushes are applied with.
    static func hub(seed: UInt8, batchBound: Int) async throws -> (AuthorityNetwork, TestOrigin, ApplyOptions) {
        let network = try await AuthorityNetwork()
        let origin = TestOrigin(seed: seed)
        try await network.enrol(origin, office: "6500101", role: .office)
        var options = ApplyOptions(enforceChain: true)
        options.maximumFeedRowsPerBatch = batchBound
        return (network, origin, options)
    }

    @Test func aChangeRoutedToTooManyFeedRowsIsHeldInertWithAClearReason() async throws {
        let (network, origin, options) = try await Self.hub(seed: 41, batchBound: 1_000_000)
        // Within the bound: a record joining 63 offices with a history of up to 64 changes.
        var changes = Self.toggles(origin, count: 130)
        let result = try await network.hub.apply(changes, options: options)
        let refused = result.refused.map(\.refusal.reason)
        #expect(!refused.isEmpty && refused.allSatisfy { $0 == .feedLimit })
        // The first refused toggle is the first whose backfill passes 4,096 rows: history × 63 offices + 64.
        let first = try #require(result.refused.first)
        #expect((first.seq - 1) * 63 + 64 > 4_096 && (first.seq - 3) * 63 + 64 <= 4_096, "refused at #\(first.seq)")
        #expect(first.refusal.message.contains("at most 4096"))
        // Refused changes route nothing: none of the other offices' feeds carries more than the bound allows.
        let feed = try await network.hub.changes(after: 0, scope: Self.others[0], limit: 10_000)
        #expect(feed.changes.count < 4_096)
        // The writer's later changes still flow (the chain holds the refused ones, inert).
        changes = [origin.change("applications", "6500101.other", scope: ["6500101"], [.set(field: "x", value: 1)])]
        #expect(try await network.hub.apply(changes, options: options).applied == 1)
    }

    @Test func aBatchRoutedToTooManyFeedRowsIsRefusedWholeAndNothingApplies() async throws {
        let (network, origin, options) = try await Self.hub(seed: 42, batchBound: 2_000)
        let batch = Self.toggles(origin, count: 60)
        await #expect {
            try await network.hub.apply(batch, options: options)
        } throws: { ($0 as? TambonError)?.code.rawValue == "push_too_costly" && ($0 as? TambonError)?.kind == .tooLarge }
        let held = try await network.hub.changes(after: 0, scope: "6500101", limit: 100).changes
        #expect(!held.contains { $0.change.origin == origin.id }, "nothing applied")
        // Smaller batches go through, as the node sends them: halved after each refusal, down to one change.
        var applied = 0
        var start = 0
        var size = 10
        var refusals = 0
        while start < batch.count {
            do {
                applied += try await network.hub.apply(Array(batch[start..<min(batch.count, start + size)]), options: options).applied
                start += size
            } catch let error as TambonError where error.code.rawValue == "push_too_costly" {
                size = max(1, size / 2)
                refusals += 1
            }
        }
        #expect(applied == 60 && refusals > 0)
    }
}
