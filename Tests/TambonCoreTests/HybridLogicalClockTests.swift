import Crypto
import Testing

@testable import TambonCore

@Suite struct HybridLogicalClockTests {
    let node = NodeIdentity(privateKey: .init()).id

    @Test func followsTheVectorsOfTheIndependentImplementation() throws {
        let vectors = try TestVectors.load("hlc.json")
        let skew = Int64(try unwrap(vectors["max_skew_ms"]?.numberValue))
        var clock = HybridLogicalClock(maximumSkewMillis: skew)
        for step in try unwrap(vectors["steps"]?.arrayValue) {
            let wall = Int64(try unwrap(step["wall_ms"]?.numberValue))
            if step["op"] == "tick" {
                #expect(clock.tick(wallMillis: wall).hex == step["expect"]?.stringValue)
            } else {
                let remote = try unwrap(HLC(hex: try unwrap(step["remote"]?.stringValue)))
                if let expected = step["expect"]?.stringValue {
                    #expect(try clock.receive(remote, origin: node, wallMillis: wall).hex == expected)
                } else {
                    let before = clock
                    #expect(throws: ClockSkewError.self) { try clock.receive(remote, origin: node, wallMillis: wall) }
                    #expect(clock == before, "a refused timestamp must not move the clock")
                }
            }
        }
        let overflow = try unwrap(vectors["overflow"])
        var full = HybridLogicalClock(last: try unwrap(HLC(hex: try unwrap(overflow["start"]?.stringValue))))
        let wall = Int64(try unwrap(overflow["wall_ms"]?.numberValue))
        let expected = try unwrap(overflow["expect"]?.arrayValue).compactMap(\.stringValue)
        #expect([full.tick(wallMillis: wall).hex, full.tick(wallMillis: wall).hex] == expected)
    }

    @Test func staysStrictlyMonotonicWhenTheWallClockGoesBackwards() {
        var clock = HybridLogicalClock()
        var previous = clock.tick(wallMillis: 1_800_000_000_000)
        for wall in [1_799_999_000_000, 1_700_000_000_000, 0, -5, 1_800_000_000_000, 1_800_000_000_001] as [Int64] {
            let next = clock.tick(wallMillis: wall)
            #expect(next > previous)
            previous = next
        }
        #expect(previous.millis == 1_800_000_000_001)
    }

    @Test func resumesAboveItsPersistedHighWaterMarkAfterARestart() {
        var first = HybridLogicalClock()
        let issued = (0..<5).map { _ in first.tick(wallMillis: 1_800_000_000_000) }
        // The process restarts with the wall clock an hour behind; only `last` was persisted.
        var restarted = HybridLogicalClock(last: first.last)
        let next = restarted.tick(wallMillis: 1_800_000_000_000 - 3_600_000)
        #expect(next > issued.last!)
    }

    @Test func receiveRuleOrdersLaterLocalEventsAfterTheRemoteOne() throws {
        var clock = HybridLogicalClock()
        _ = clock.tick(wallMillis: 1_000_000)
        let remote = HLC(millis: 1_000_200, counter: 42)
        let received = try clock.receive(remote, origin: node, wallMillis: 1_000_050)
        #expect(received > remote)
        #expect(clock.tick(wallMillis: 1_000_060) > remote)
    }

    @Test func refusesTimestampsBeyondTheSkewBoundNamingOriginAndSkew() {
        var clock = HybridLogicalClock(maximumSkewMillis: 5 * 60 * 1000)
        let wall: Int64 = 1_800_000_000_000
        let twoDaysAhead = HLC(millis: UInt64(wall + 2 * 86_400_000), counter: 0)
        do {
            try clock.receive(twoDaysAhead, origin: node, wallMillis: wall)
            Issue.record("a timestamp two days ahead was accepted")
        } catch {
            #expect(error.skewMillis == 2 * 86_400_000)
            #expect(error.origin == node)
            #expect(error.description.contains(node.hex))
            #expect(error.description.contains("2 days"))
        }
        #expect(clock.last == .zero)
        // Exactly at the bound is accepted.
        #expect(throws: Never.self) { try clock.receive(HLC(millis: UInt64(wall + 300_000), counter: 0), origin: node, wallMillis: wall) }
    }

    @Test func hexFormIsFixedWidthAndOrdered() {
        let small = HLC(millis: 1, counter: 2)
        let large = HLC(millis: 1_800_000_000_000, counter: 0)
        #expect(small.hex == "0000000000010002")
        #expect(small.hex < large.hex)
        #expect(HLC(hex: large.hex) == large)
        #expect(HLC(hex: "00000000000100") == nil)
        #expect(HLC(hex: "ABCDEF0000000000") == nil)
    }
}
