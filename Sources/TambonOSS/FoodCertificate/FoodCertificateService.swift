import TambonCore

extension ServiceID {
    public static let foodCertificate: ServiceID = "food-certificate"
}

/// Food-place notification certificates (Public Health Act s.47–52), as a service of the catalog.
public enum FoodCertificateService: ApplicationService {
    public static let id = ServiceID.foodCertificate
    public static let thaiName = "หนังสือรับรองการแจ้งสถานที่จำหน่ายอาหาร/สะสมอาหาร"
    public static let englishName = "food-place notification certificate"

    /// An office's period (`food_certificate`) and yearly fee table (`food_certificate_fees`).
    public struct Settings: Sendable, Equatable {
        /// Days from acceptance to the decision (domain facts: 7 working days, unverified).
        public var periodDays: Int
        public var fees: FeeTable<FoodCertificateFees>
    }

    struct PeriodMember: Codable {
        var periodDays: Int
    }

    public static let defaultSettings = Settings(
        periodDays: 7, fees: try! FeeTable([.init(effectiveFrom: CivilDate(iso: "2021-01-01")!, schedule: .defaults)]))

    public static func settings(from document: [String: JSONValue]) throws -> Settings {
        var settings = defaultSettings
        if let period = try SettingsDocument.member("food_certificate", of: document, as: PeriodMember.self) {
            guard (1...365).contains(period.periodDays) else {
                throw SettingsDocument.outOfRange(
                    th: "ระยะเวลาพิจารณาหนังสือรับรองต้องอยู่ระหว่าง 1–365 วัน", en: "food_certificate.period_days must be 1–365")
            }
            settings.periodDays = period.periodDays
        }
        if let fees = try SettingsDocument.member("food_certificate_fees", of: document, as: FeeTable<FoodCertificateFees>.self) {
            guard !fees.entries.isEmpty,
                fees.entries.allSatisfy({ $0.schedule.annualFee.satang >= 0 && (0...100).contains($0.schedule.lateSurchargePercent) })
            else {
                throw SettingsDocument.outOfRange(
                    th: "ค่าธรรมเนียมรายปีต้องไม่ติดลบ และเงินเพิ่มต้องอยู่ระหว่าง 0–100%",
                    en: "food_certificate_fees needs at least one schedule, no negative fee and a surcharge of 0–100 %")
            }
            settings.fees = fees
        }
        return settings
    }

    public static func document(of settings: Settings) throws -> [String: JSONValue] {
        [
            "food_certificate": try SettingsDocument.value(PeriodMember(periodDays: settings.periodDays)),
            "food_certificate_fees": try SettingsDocument.value(settings.fees),
        ]
    }

    public static func workflow(_ settings: Settings) -> any ServiceWorkflow {
        FoodCertificateWorkflow(periodDays: settings.periodDays)
    }

    public static func file(_ details: [String: JSONValue], settings: Settings, on day: CivilDate) throws -> ServiceFiling {
        let checked = try FoodCertificateDetails(details)
        guard let schedule = settings.fees.schedule(on: day) else { throw ServiceFilingError.noFeeSchedule(on: day) }
        return ServiceFiling(
            details: checked.value,
            fees: [
                "annual": .number(Double(schedule.annualFee.satang)), "late_surcharge_percent": .number(Double(schedule.lateSurchargePercent)),
                "total": .number(Double(schedule.annualFee.satang)), "currency": "THB-satang",
            ])
    }

    /// The certificate's yearly fees: each year's due date, amount (with the surcharge once late) and receipt.
    public static func dues(settings: Settings, state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> FoodCertificateDues {
        FoodCertificateDues(notifiedOn: submittedOn, state: state, fees: settings.fees, on: today)
    }

    public static func officeView(settings: Settings, state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> [String: JSONValue] {
        let dues = dues(settings: settings, state: state, submittedOn: submittedOn, on: today)
        return [
            "fees_due": .array(
                dues.dues.map { due in
                    .object([
                        "year": .number(Double(due.year)), "due_on": .string(due.dueOn.iso), "amount": .number(Double(due.amount.satang)),
                        "late": .bool(due.isLate), "receipt": due.payment.map { .string($0.receipt) } ?? .null,
                        "paid_on": due.payment.map { .string($0.paidOn.iso) } ?? .null,
                    ])
                })
        ]
    }

    /// Each year's certificate fee as it falls due (the approval year, then each renewal); the filing itself costs
    /// nothing.
    public static func billableFees(
        settings: Settings, state: ApplicationState, fees: [String: JSONValue], submittedOn: CivilDate, on today: CivilDate
    ) -> [BillableFee] {
        dues(settings: settings, state: state, submittedOn: submittedOn, on: today).dues.filter { $0.amount.satang > 0 }.map { due in
            BillableFee(
                key: "F\(due.year % 100)", label: "ค่าธรรมเนียมหนังสือรับรองการแจ้ง ปี \(due.year)", amount: due.amount, year: due.year,
                recordedPaid: due.payment != nil)
        }
    }

    public static func syntheticDetails(location: JSONValue) -> [String: JSONValue] {
        [
            "establishment_name": "ร้านทดสอบ", "place_kind": "selling", "area_m2": 40, "in_market": false, "workers": 3, "address": "-",
            "location": location,
        ]
    }
}
