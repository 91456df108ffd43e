/// An office's fee rates over time: each schedule applies from its effective date until the next one starts
/// (a new ordinance, or a waiver period expressed as a zero-rate schedule and the old rates after it).
public struct FeeTable<Schedule: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        /// `YYYY-MM-DD` (Common Era), the first day the schedule applies.
        public let effectiveFrom: String
        public let schedule: Schedule

        public init(effectiveFrom: CivilDate, schedule: Schedule) {
            self.effectiveFrom = effectiveFrom.iso
            self.schedule = schedule
        }
    }

    public private(set) var entries: [Entry]

    public init(_ entries: [Entry]) throws(FieldError) {
        var dated: [(CivilDate, Entry)] = []
        for entry in entries {
            guard let date = CivilDate(iso: entry.effectiveFrom) else {
                throw FieldError(
                    "effective_from", th: "วันที่มีผลบังคับใช้ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.)",
                    en: "an effective date must be YYYY-MM-DD (Common Era)")
            }
            dated.append((date, entry))
        }
        guard Set(dated.map(\.0)).count == dated.count else {
            throw FieldError("effective_from", th: "มีอัตราค่าธรรมเนียมสองชุดที่มีผลในวันเดียวกัน", en: "two schedules take effect on the same day")
        }
        self.entries = dated.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Decoding applies the same checks as ``init(_:)`` (dates well-formed, none twice).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            try self.init(try container.decode([Entry].self))
        } catch let error as FieldError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.english)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }

    /// The schedule in force on `date`, or nil before the first one.
    public func schedule(on date: CivilDate) -> Schedule? {
        entries.last { CivilDate(iso: $0.effectiveFrom)! <= date }?.schedule
    }
}
