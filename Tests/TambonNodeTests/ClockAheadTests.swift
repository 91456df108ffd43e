import TambonCore
import TambonStore
import TambonSync
import TambonTestSupport
import Testing

/// SPEC §4.1, through a real sync with the hub's router: a PC clock set days ahead is found at the next sync, local
/// writes are refused until it is set right, and then the writes it stamped ahead are stamped again and sync, with
/// nothing lost and no wait for real time to catch up.
@Suite struct ClockAheadTests {
    static let day: Int64 = 86_400_000

    /// One change whose value carries the stamp it was written at (as an application's event does).
    @discardableResult
    static func write(_ node: InMemorySyncTests.Node, _ record: String) async throws -> Change {
        try await node.store.transaction { transaction in
            [LocalEdit(collection: "applications", record: "6500101.\(record)", set: ["at": .string(transaction.stamp.hex)])]
        }[0]
    }

    @Test func aClockSetAheadIsRefusedThenItsWritesAreStampedAgainAndSync() async throws {
        let hub = try await InMemorySyncTests.Hub()
        let machine = ManualClock(hub.clock.now)
        let node = try await hub.node(office: "6500101", clock: machine)
        try await Self.write(node, "before")
        try await node.sync()

        // The PC's clock is set three days ahead. Nothing knows yet: the writes are stamped three days ahead.
        machine.advance(days: 3)
        let ahead = try await Self.write(node, "ahead-1")
        try await Self.write(node, "ahead-2")
        #expect(ahead.hlc.millis > UInt64(hub.clock.now + 2 * Self.day))
        // The hub refuses them (its guard stays), and its answer's time tells the node how far ahead it is.
        await #expect { try await node.sync() } throws: { ($0 as? TambonError)?.code.rawValue == "clock_skew" }
        guard case .ahead(let millis) = try await node.store.clockVerdict() else {
            Issue.record("the clock should be known to be ahead")
            return
        }
        #expect(abs(millis - 3 * Self.day) < 60_000)
        // Local writes are refused, in Thai and English, and nothing is written.
        let seq = try #require(try await node.store.node()).lastSeq
        await #expect {
            try await Self.write(node, "refused")
        } throws: { error in
            let refusal = TambonError(error)
            return refusal.code.rawValue == "clock_ahead" && refusal.kind == .conflict && refusal.thai.contains("นาฬิกาของเครื่องนี้เร็วกว่า")
        }
        #expect(try await node.store.node()?.lastSeq == seq)

        // The clock is set right. The next write stamps the two again first; everything syncs at once.
        machine.advance(days: -3)
        guard case .stampedAhead = try await node.store.clockVerdict() else {
            Issue.record("the log should be known to be stamped ahead")
            return
        }
        let after = try await Self.write(node, "after")
        #expect(after.hlc.millis <= UInt64(machine.now))
        #expect(try await node.store.clockVerdict() == .ok)
        let report = try await node.sync()
        #expect(report.pushed == 3)
        for record in ["before", "ahead-1", "ahead-2", "after"] {
            let held = try #require(try await hub.store.record(collection: "applications", id: "6500101.\(record)"), "\(record) reached the hub")
            let at = try #require(held.fields["at"]?.stringValue.flatMap(HLC.init(hex:)))
            #expect(at.millis <= UInt64(hub.clock.now), "\(record): the stamp in its value is the new one, not three days ahead")
        }
        #expect(try await node.store.digest(scope: "6500101") == (try await hub.store.digest(scope: "6500101")))
    }
}
