import TambonCore
import Testing

/// SPEC §4.1: when a node's clock may stamp writes, from the last skew measured against the hub.
@Suite struct ClockCheckTests {
    static let bound: Int64 = 300_000
    static let day: Int64 = 86_400_000
    static let hubTime: Int64 = 1_800_000_000_000

    static func judge(wall: Int64, boot: BootInstant?, log: Int64 = 0, measured: SkewMeasurement?) -> ClockCheck.Verdict {
        ClockCheck.judge(
            wallMillis: wall, boot: boot, logClock: HLC(millis: UInt64(log), counter: 0), measurement: measured, maximumSkewMillis: bound)
    }

    @Test func withinOneBootTheEstimateIsExact() {
        // Measured three days ahead at boot uptime 1 h.
        let measured = SkewMeasurement(
            skewMillis: 3 * Self.day, wallMillis: Self.hubTime + 3 * Self.day, boot: BootInstant(boot: "b1", uptimeMillis: 3_600_000))
        // An hour later, not corrected: still three days ahead.
        #expect(
            Self.judge(wall: Self.hubTime + 3 * Self.day + 3_600_000, boot: BootInstant(boot: "b1", uptimeMillis: 7_200_000), measured: measured)
                == .ahead(millis: 3 * Self.day))
        // An hour later, corrected by hand to the right time: trusted at once.
        #expect(Self.judge(wall: Self.hubTime + 3_600_000, boot: BootInstant(boot: "b1", uptimeMillis: 7_200_000), measured: measured) == .ok)
        // Corrected to within the bound (4 minutes ahead): allowed; 6 minutes ahead: still refused.
        #expect(Self.judge(wall: Self.hubTime + 240_000, boot: BootInstant(boot: "b1", uptimeMillis: 3_600_000), measured: measured) == .ok)
        #expect(
            Self.judge(wall: Self.hubTime + 360_000, boot: BootInstant(boot: "b1", uptimeMillis: 3_600_000), measured: measured)
                == .ahead(millis: 360_000))
        // A clock right at the measurement and set ahead later in the same boot is caught too.
        let right = SkewMeasurement(skewMillis: 20, wallMillis: Self.hubTime, boot: BootInstant(boot: "b1", uptimeMillis: 0))
        #expect(
            Self.judge(wall: Self.hubTime + 2 * Self.day, boot: BootInstant(boot: "b1", uptimeMillis: 60_000), measured: right)
                == .ahead(millis: 2 * Self.day - 60_000 + 20))
    }

    @Test func acrossAReebootOnlyAClockThatWentBackCountsAsCorrected() {
        let measured = SkewMeasurement(
            skewMillis: 3 * Self.day, wallMillis: Self.hubTime + 3 * Self.day, boot: BootInstant(boot: "b1", uptimeMillis: 0))
        let otherBoot = BootInstant(boot: "b2", uptimeMillis: 60_000)
        #expect(Self.judge(wall: Self.hubTime + 3 * Self.day + 1, boot: otherBoot, measured: measured) == .ahead(millis: 3 * Self.day))
        #expect(Self.judge(wall: Self.hubTime + Self.day, boot: otherBoot, measured: measured) == .ok)
        #expect(Self.judge(wall: Self.hubTime + Self.day, boot: nil, measured: measured) == .ok, "no boot clock: the same rule")
        // A clock measured right stays trusted across reboots.
        let right = SkewMeasurement(skewMillis: -2_000, wallMillis: Self.hubTime, boot: nil)
        #expect(Self.judge(wall: Self.hubTime + 10 * Self.day, boot: otherBoot, measured: right) == .ok)
        #expect(Self.judge(wall: Self.hubTime, boot: nil, measured: nil) == .ok, "never measured")
    }

    @Test func aLogStampedBeyondTheBoundOfATrustedClockIsStampedAhead() {
        let right = SkewMeasurement(skewMillis: 1_000, wallMillis: Self.hubTime, boot: nil)
        #expect(Self.judge(wall: Self.hubTime, boot: nil, log: Self.hubTime + Self.bound, measured: right) == .ok, "exactly the bound")
        #expect(
            Self.judge(wall: Self.hubTime, boot: nil, log: Self.hubTime + Self.bound + 1, measured: right) == .stampedAhead(millis: Self.bound + 1))
        // Never measured: a wall clock behind the log may be the wrong one (set back); the log keeps its stamps.
        #expect(Self.judge(wall: Self.hubTime, boot: nil, log: Self.hubTime + Self.day, measured: nil) == .ok)
        // While the clock is ahead, the log's stamps are not the problem to solve: the clock is.
        let measured = SkewMeasurement(skewMillis: Self.day, wallMillis: Self.hubTime + Self.day, boot: nil)
        #expect(
            Self.judge(wall: Self.hubTime + Self.day, boot: nil, log: Self.hubTime + Self.day, measured: measured) == .ahead(millis: Self.day))
    }
}
