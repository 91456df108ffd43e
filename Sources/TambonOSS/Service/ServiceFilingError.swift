import TambonCore

/// Why an application could not be filed for reasons of the office, not of the citizen's details.
public enum ServiceFilingError {
    /// The office's fee table has no schedule in force on `day`.
    public static func noFeeSchedule(on day: CivilDate) -> TambonError {
        TambonError(
            .internal, "no_fee_schedule", "the office has no fee schedule in force on \(day.iso)",
            thai: "ยังไม่ได้กำหนดอัตราค่าธรรมเนียมของสำนักงาน")
    }
}
