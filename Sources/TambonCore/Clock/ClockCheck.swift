/// Whether a node's wall clock may stamp local writes (SPEC §4.1), judged with no I/O from the last measurement
/// of its skew against the hub, the wall and boot clocks now, and the highest stamp in its log.
///
/// - The clock is **ahead** when the skew, carried forward to now, exceeds the bound. Within the boot of the
///   measurement the boot clock gives the real time elapsed, so the estimate is exact: a clock corrected by hand is
///   trusted at once. Across a reboot the elapsed time is unknown; the clock counts as corrected only if it went
///   back (an uncorrected clock never reads earlier than at the measurement), and otherwise stays ahead until the
///   next sync measures it again.
/// - The log is **stamped ahead** when the wall clock is trusted (the hub has measured it) but the log's clock is
///   beyond the bound from it:
///   writes were stamped while the clock was ahead, and the ones the hub has not accepted must be stamped again.
public enum ClockCheck {
    public enum Verdict: Sendable, Equatable {
        case ok
        /// The wall clock is this far ahead of the hub's (ms): local writes are refused.
        case ahead(millis: Int64)
        /// The log's clock is this far ahead of the wall clock (ms): unaccepted changes are stamped again.
        case stampedAhead(millis: Int64)
    }

    public static func judge(
        wallMillis: Int64, boot: BootInstant?, logClock: HLC, measurement: SkewMeasurement?, maximumSkewMillis: Int64
    ) -> Verdict {
        if let measurement, let skew = estimatedSkew(measurement, wallMillis: wallMillis, boot: boot), skew > maximumSkewMillis {
            return .ahead(millis: skew)
        }
        // Only a clock the hub has vouched for can say the log is ahead of it: with no measurement, a wall clock
        // behind the log may as well be the one that is wrong (set back), and the log keeps its stamps.
        let stamped = Int64(clamping: logClock.millis) - wallMillis
        return measurement != nil && stamped > maximumSkewMillis ? .stampedAhead(millis: stamped) : .ok
    }

    /// The skew now, from `measurement`: exact within its boot, an upper bound across reboots (nil: not ahead).
    static func estimatedSkew(_ measurement: SkewMeasurement, wallMillis: Int64, boot: BootInstant?) -> Int64? {
        let wallMoved = wallMillis &- measurement.wallMillis
        if let then = measurement.boot, let now = boot, then.boot == now.boot, now.uptimeMillis >= then.uptimeMillis {
            // The wall clock moved by `wallMoved` while `elapsed` really passed: the difference is how far it was set.
            let elapsed = now.uptimeMillis - then.uptimeMillis
            return measurement.skewMillis &+ (wallMoved &- elapsed)
        }
        return wallMoved < 0 ? nil : measurement.skewMillis
    }
}
