import TambonCore

/// The food-place notification certificate (Public Health Act s.47–52): submit → accept (clock starts) → approve
/// (issues the certificate number, office node only) or reject; then, while valid: `renew` each year (that year's
/// fee), `record-payment` of a year's fee with its receipt, `replace` a lost or damaged certificate (same number,
/// s.50), `revoke` (reason), `notify-closure` (s.51).
public struct FoodCertificateWorkflow: ServiceWorkflow {
    public static let service = ServiceID.foodCertificate
    public var service: ServiceID { Self.service }
    /// Days from acceptance to the decision. The domain facts give 7 working days, unverified: a setting, counted
    /// in calendar days by default as a conservative reading.
    public let periodDays: Int

    public init(periodDays: Int = 7) {
        self.periodDays = periodDays
    }

    /// A certificate stays open after approval (renewals, replacements) until revoked or closed.
    public var finalStatuses: Set<ApplicationStatus> { [.rejected, .withdrawn, .revoked, .closed] }

    public var actions: [ActionName] {
        ["accept", "approve", "reject", "withdraw", "renew", "record-payment", "replace", "revoke", "notify-closure"]
    }

    /// None: every action is an officer's at the office (payments and renewals included); a food place is not
    /// inspected in this workflow, so a survey node records nothing here.
    public var fieldActions: Set<ActionName> { [] }

    public func apply(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal) {
        let status = state.status
        switch event.action {
        case "accept":
            try WorkflowRules.requireOfficial(event)
            guard status == .submitted else { throw WorkflowRules.notNow(event.action, status) }
            state.status = .accepted
            state.clock.startedOn = event.date
            state.clock.allowedDays = periodDays
        case "approve":
            try WorkflowRules.requireOfficial(event)
            guard status == .accepted else { throw WorkflowRules.notNow(event.action, status) }
            guard let text = event.payload["number"]?.stringValue, let number = OfficialNumber(text) else {
                throw ActionRefusal(
                    .invalidPayload, th: "การรับรองต้องมีเลขที่หนังสือรับรองที่ออกโดยเครื่องหลักของสำนักงาน",
                    en: "an approval carries the certificate number issued by the office node")
            }
            state.number = number
            state.status = .approved
            state.clock.stoppedOn = event.date
            state.renewedYears = [event.date.buddhistYear]
        case "reject":
            try WorkflowRules.requireOfficial(event)
            guard status == .submitted || status == .accepted else { throw WorkflowRules.notNow(event.action, status) }
            state.reason = try WorkflowRules.reason(event)
            state.status = .rejected
            state.clock.stoppedOn = event.date
        case "withdraw":
            try WorkflowRules.requireApplicantOrOfficial(event)
            guard status == .submitted || status == .accepted else { throw WorkflowRules.notNow(event.action, status) }
            state.status = .withdrawn
            state.clock.stoppedOn = event.date
        case "renew":
            try WorkflowRules.requireOfficial(event)
            guard status == .approved else { throw WorkflowRules.notNow(event.action, status) }
            guard let year = event.payload["year"]?.integerValue.map(Int.init), year > 2400 else {
                throw ActionRefusal(.invalidPayload, th: "ระบุปี พ.ศ. ที่ต่ออายุ (year)", en: "\"year\" (Buddhist Era) is required")
            }
            guard !state.renewedYears.contains(year) else {
                throw ActionRefusal(.invalidForStatus, th: "ต่ออายุปี \(year) แล้ว", en: "already renewed for \(year)")
            }
            state.renewedYears.append(year)
        case "record-payment":
            try WorkflowRules.requireOfficial(event)
            guard status == .approved || status == .revoked || status == .closed else { throw WorkflowRules.notNow(event.action, status) }
            guard let year = event.payload["year"]?.integerValue.map(Int.init), state.renewedYears.contains(year) else {
                throw ActionRefusal(
                    .invalidPayload, th: "ระบุปี พ.ศ. ที่มีค่าธรรมเนียมค้างชำระ (year)",
                    en: "\"year\" must be a Buddhist-Era year whose fee is due (the approval year or a renewal)")
            }
            guard let receipt = event.payload["receipt"]?.stringValue.map({ $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }),
                !receipt.isEmpty, receipt.count <= 64
            else {
                throw ActionRefusal(
                    .invalidPayload, th: "ระบุเลขที่ใบเสร็จรับเงิน (receipt) ไม่เกิน 64 ตัวอักษร",
                    en: "\"receipt\" (the receipt reference, at most 64 characters) is required")
            }
            guard state.payments[year] == nil else {
                throw ActionRefusal(.invalidForStatus, th: "ชำระค่าธรรมเนียมปี \(year) แล้ว", en: "the fee for \(year) is already paid")
            }
            state.payments[year] = FeePayment(receipt: receipt, paidOn: event.date)
        case "replace":
            try WorkflowRules.requireOfficial(event)
            guard status == .approved else { throw WorkflowRules.notNow(event.action, status) }
            state.replacements += 1
        case "revoke":
            try WorkflowRules.requireOfficial(event)
            guard status == .approved else { throw WorkflowRules.notNow(event.action, status) }
            state.reason = try WorkflowRules.reason(event)
            state.status = .revoked
        case "notify-closure":
            try WorkflowRules.requireApplicantOrOfficial(event)
            guard status == .approved else { throw WorkflowRules.notNow(event.action, status) }
            state.status = .closed
        default:
            throw ActionRefusal(
                .unknownAction, th: "ไม่รู้จักการดำเนินการ \"\(event.action)\"",
                en: "unknown action \"\(event.action)\" for a food-place certificate")
        }
    }
}
