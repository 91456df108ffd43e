import TambonCore

/// An office's billing settings, the member `billing` of its settings document: the biller ID banks pay into, when
/// bills fall due, the late surcharge, and the monthly rate tables of the garbage and wastewater fees.
///
/// The rates, the ceiling and the surcharge are per-office configuration, not constants: the domain facts list the
/// fees offices charge (20, 25, 30, 50 baht a month for a household's garbage) and mark the wastewater rates and the
/// ceilings unverified. The defaults are examples to be replaced by the office's ordinance (เทศบัญญัติ/ข้อบัญญัติ).
///
/// ```json
/// {"tax_id": "0994000165501", "biller_suffix": "00", "due_days": 15, "late_surcharge_percent": 0,
///  "monthly_ceiling_satang": null,
///  "garbage_rates": [{"effective_from": "2020-01-01", "schedule": {"household": {"monthly": 2000}, "shop": {"monthly": 5000}}}],
///  "wastewater_rates": [{"effective_from": "2024-10-01", "schedule": {"household": {"monthly": 1000},
///                                                                     "factory": {"per_cubic_metre": 300, "minimum": 5000}}}]}
/// ```
public struct BillingSettings: Sendable, Codable, Equatable {
    /// How one rate class is charged for a month: a flat amount, or by the cubic metres of water used (wastewater
    /// from the water meter), with a minimum. Satang.
    public struct ClassRate: Sendable, Codable, Equatable {
        public var monthly: Int64?
        public var perCubicMetre: Int64?
        public var minimum: Int64?

        public init(monthly: Int64? = nil, perCubicMetre: Int64? = nil, minimum: Int64? = nil) {
            self.monthly = monthly
            self.perCubicMetre = perCubicMetre
            self.minimum = minimum
        }

        /// Whether the charge needs the month's meter reading.
        public var isMetered: Bool { perCubicMetre != nil }

        /// The month's charge; nil for a metered class without a reading.
        public func charge(cubicMetres: Int64?) -> Money? {
            if let monthly { return Money(satang: monthly) }
            guard let perCubicMetre, let cubicMetres else { return nil }
            return Money(satang: max(perCubicMetre * cubicMetres, minimum ?? 0))
        }
    }

    /// Rate classes by name (`household`, `shop`, …) for one period of the ordinance.
    public typealias RateSchedule = [String: ClassRate]

    /// The office's 13-digit tax ID (a juristic ID, starting with 0); nil until the office sets it, and then no
    /// bill carries a Thai QR.
    public var taxId: String?
    /// The 2-digit suffix of the biller ID the bank gave the office's account (`00` for the first).
    public var billerSuffix: String
    /// Days from a bill's issue to its due date.
    public var dueDays: Int
    /// The surcharge on arrears carried into a new bill, in percent (0: none).
    public var lateSurchargePercent: Int
    /// The highest monthly charge of any class, if the office sets one from the ministerial regulation.
    public var monthlyCeilingSatang: Int64?
    public var garbageRates: FeeTable<RateSchedule>
    public var wastewaterRates: FeeTable<RateSchedule>

    public static let standard = BillingSettings(
        taxId: nil, billerSuffix: "00", dueDays: 15, lateSurchargePercent: 0, monthlyCeilingSatang: nil,
        garbageRates: try! FeeTable([
            .init(effectiveFrom: CivilDate(year: 2020, month: 1, day: 1)!, schedule: ["household": ClassRate(monthly: 2000)])
        ]),
        wastewaterRates: try! FeeTable([]))

    public init(
        taxId: String?, billerSuffix: String, dueDays: Int, lateSurchargePercent: Int, monthlyCeilingSatang: Int64?,
        garbageRates: FeeTable<RateSchedule>, wastewaterRates: FeeTable<RateSchedule>
    ) {
        self.taxId = taxId
        self.billerSuffix = billerSuffix
        self.dueDays = dueDays
        self.lateSurchargePercent = lateSurchargePercent
        self.monthlyCeilingSatang = monthlyCeilingSatang
        self.garbageRates = garbageRates
        self.wastewaterRates = wastewaterRates
    }

    enum CodingKeys: String, CodingKey {
        case taxId, billerSuffix, dueDays, lateSurchargePercent, monthlyCeilingSatang, garbageRates, wastewaterRates
    }

    /// Members left out take the standard values, so an office's settings name only what differs.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = Self.standard
        taxId = try container.decodeIfPresent(String.self, forKey: .taxId)
        billerSuffix = try container.decodeIfPresent(String.self, forKey: .billerSuffix) ?? standard.billerSuffix
        dueDays = try container.decodeIfPresent(Int.self, forKey: .dueDays) ?? standard.dueDays
        lateSurchargePercent = try container.decodeIfPresent(Int.self, forKey: .lateSurchargePercent) ?? standard.lateSurchargePercent
        monthlyCeilingSatang = try container.decodeIfPresent(Int64.self, forKey: .monthlyCeilingSatang)
        garbageRates = try container.decodeIfPresent(FeeTable<RateSchedule>.self, forKey: .garbageRates) ?? standard.garbageRates
        wastewaterRates = try container.decodeIfPresent(FeeTable<RateSchedule>.self, forKey: .wastewaterRates) ?? standard.wastewaterRates
    }

    /// The 15-digit biller ID of the office's Thai QR codes; nil until the tax ID is set.
    public var billerID: String? { taxId.map { $0 + billerSuffix } }

    /// The rate table of `service`.
    public func rates(_ service: BilledService) -> FeeTable<RateSchedule> {
        service == .garbage ? garbageRates : wastewaterRates
    }

    /// Refuses settings out of range, naming the member (an office's settings reach every node of the office).
    public func validated() throws(FieldError) -> BillingSettings {
        if let taxId {
            let id: NationalID
            do { id = try NationalID(taxId) } catch {
                throw FieldError("billing.tax_id", th: "เลขประจำตัวผู้เสียภาษีไม่ถูกต้อง", en: "tax_id is not a valid 13-digit ID")
            }
            guard id.kind == .juristic else {
                throw FieldError("billing.tax_id", th: "เลขประจำตัวผู้เสียภาษีของหน่วยงานต้องขึ้นต้นด้วย 0", en: "an office's tax ID starts with 0")
            }
        }
        guard billerSuffix.count == 2, billerSuffix.allSatisfy({ ("0"..."9").contains($0) }) else {
            throw FieldError("billing.biller_suffix", th: "รหัสต่อท้าย Biller ID ต้องเป็นตัวเลข 2 หลัก", en: "biller_suffix must be 2 digits")
        }
        guard (1...120).contains(dueDays) else {
            throw FieldError("billing.due_days", th: "กำหนดชำระต้องอยู่ระหว่าง 1–120 วัน", en: "due_days must be 1 to 120")
        }
        guard (0...100).contains(lateSurchargePercent) else {
            throw FieldError("billing.late_surcharge_percent", th: "เงินเพิ่มต้องอยู่ระหว่าง 0–100%", en: "late_surcharge_percent must be 0 to 100")
        }
        if let ceiling = monthlyCeilingSatang, !(0...Self.maximumSatang).contains(ceiling) {
            throw FieldError("billing.monthly_ceiling_satang", th: "เพดานค่าธรรมเนียมไม่ถูกต้อง", en: "monthly_ceiling_satang is out of range")
        }
        for service in BilledService.allCases {
            for entry in rates(service).entries {
                for (name, rate) in entry.schedule {
                    try Self.check(rate, name: name, service: service, ceiling: monthlyCeilingSatang)
                }
            }
        }
        return self
    }

    /// The largest amount in a rate (satang): 100,000 baht a month, or per cubic metre.
    public static let maximumSatang: Int64 = 10_000_000

    private static func check(_ rate: ClassRate, name: String, service: BilledService, ceiling: Int64?) throws(FieldError) {
        let field = "billing.\(service.rawValue)_rates.\(name)"
        guard Payer.isRateClass(name) else {
            throw FieldError(field, th: "ชื่อประเภทอัตรา \"\(name)\" ใช้ได้เฉพาะ a–z 0–9 _ - (ไม่เกิน 40 ตัว)", en: "a rate class is 1–40 of a–z 0–9 _ -")
        }
        let amounts = [rate.monthly, rate.perCubicMetre, rate.minimum].compactMap { $0 }
        guard (rate.monthly == nil) != (rate.perCubicMetre == nil), rate.monthly == nil || rate.minimum == nil,
            amounts.allSatisfy({ (0...maximumSatang).contains($0) })
        else {
            throw FieldError(
                field, th: "อัตรา \"\(name)\" ต้องเป็นรายเดือน (monthly) หรือตามปริมาณน้ำ (per_cubic_metre) อย่างใดอย่างหนึ่ง ไม่ติดลบ",
                en: "rate \"\(name)\" is either monthly or per_cubic_metre (with an optional minimum), 0 to \(maximumSatang) satang")
        }
        if let ceiling, let monthly = rate.monthly ?? rate.minimum, monthly > ceiling {
            throw FieldError(field, th: "อัตรา \"\(name)\" เกินเพดานที่ตั้งไว้", en: "rate \"\(name)\" is above the monthly ceiling")
        }
    }
}
