/// This machine's wall clock is ahead of the hub's by more than the skew bound (SPEC §4.1): a local write now would
/// carry a stamp the hub refuses, and the log behind it would stop. Refused until the clock is set right.
public struct ClockAheadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How far ahead of the hub's clock this machine's is, as last estimated (ms).
    public let aheadMillis: Int64
    /// The bound in force (ms).
    public let maximumMillis: Int64

    public init(aheadMillis: Int64, maximumMillis: Int64) {
        self.aheadMillis = aheadMillis
        self.maximumMillis = maximumMillis
    }

    public var description: String {
        "this machine's clock is \(ClockSkewError.format(aheadMillis)) ahead of the hub's (at most \(ClockSkewError.format(maximumMillis)) "
            + "is allowed); nothing is saved until the date and time are set right"
    }

    public var thai: String {
        "นาฬิกาของเครื่องนี้เร็วกว่าเวลาของศูนย์กลาง \(Self.thaiDuration(aheadMillis)) จึงยังบันทึกข้อมูลไม่ได้ "
            + "กรุณาตั้งวันและเวลาของเครื่องให้ถูกต้อง แล้วลองใหม่ (ข้อมูลที่บันทึกไว้แล้วไม่สูญหาย)"
    }

    static func thaiDuration(_ millis: Int64) -> String {
        let minutes = millis / 60_000
        if minutes < 120 { return "\(max(1, minutes)) นาที" }
        if minutes < 2_880 { return "\(minutes / 60) ชั่วโมง" }
        return "\(minutes / 1_440) วัน"
    }
}

extension ClockAheadError: TambonErrorConvertible {
    public var tambonError: TambonError {
        TambonError(
            .conflict, "clock_ahead", description, thai: thai,
            hint: "set this machine's date and time (or turn on automatic time), then try again; the writes already saved are kept")
    }
}
