import TambonCore

/// The building-permit workflow (แบบ ข.1 → permit แบบ อ.1): submit → accept (clock starts) → assign-inspection →
/// record-inspection → approve (issues the permit number) or reject; `return` pauses the clock until the office
/// accepts again; `extend` lengthens the period; the applicant may `withdraw` until the decision.
public struct BuildingPermitWorkflow: ServiceWorkflow {
    public static let service = ServiceID.buildingPermit
    public var service: ServiceID { Self.service }
    public let settings: BuildingPermitSettings

    public init(settings: BuildingPermitSettings = BuildingPermitSettings()) {
        self.settings = settings
    }

    public var actions: [ActionName] {
        ["accept", "return", "assign-inspection", "record-inspection", "extend", "approve", "reject", "withdraw"]
    }

    /// The site inspection is recorded where it happens, by the assigned surveyor on a survey node.
    public var fieldActions: Set<ActionName> { ["record-inspection"] }

    private static let working: Set<ApplicationStatus> = [.accepted, .inspectionAssigned, .inspected]

    public var finalStatuses: Set<ApplicationStatus> { ApplicationStatus.decided }

    public func apply(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal) {
        let status = state.status
        switch event.action {
        case "accept":
            try WorkflowRules.requireOfficial(event)
            switch status {
            case .submitted?:
                state.status = .accepted
                state.clock.startedOn = event.date
                state.clock.allowedDays = settings.periodDays
            case .returned?:
                if let since = state.clock.pausedSince {
                    state.clock.pausedDays += max(0, since.days(until: event.date))
                    state.clock.pausedSince = nil
                }
                if state.clock.startedOn == nil {
                    state.clock.startedOn = event.date
                    state.clock.allowedDays = settings.periodDays
                }
                let back = state.returnedFrom ?? .submitted
                state.status = back == .submitted ? .accepted : back
                state.returnedFrom = nil
            default: throw WorkflowRules.notNow(event.action, status)
            }

        case "return":
            try WorkflowRules.requireOfficial(event)
            let reason = try WorkflowRules.reason(event)
            guard let status, status == .submitted || Self.working.contains(status) else { throw WorkflowRules.notNow(event.action, status) }
            state.returnedFrom = status
            state.status = .returned
            state.reason = reason
            if state.clock.startedOn != nil { state.clock.pausedSince = event.date }

        case "assign-inspection":
            try WorkflowRules.requireOfficial(event)
            guard let status, Self.working.contains(status) else { throw WorkflowRules.notNow(event.action, status) }
            guard let assignee = event.payload["assignee"]?.stringValue, !assignee.isEmpty else {
                throw ActionRefusal(.invalidPayload, th: "ต้องระบุผู้ตรวจสถานที่ (assignee)", en: "\"assignee\" (a surveyor's user name) is required")
            }
            state.assignee = assignee
            state.status = .inspectionAssigned

        case "record-inspection":
            guard event.role.isOfficial || (event.role == .surveyor && event.actor == state.assignee) else {
                throw ActionRefusal(
                    .forbidden, th: "เฉพาะผู้ตรวจที่ได้รับมอบหมายหรือเจ้าหน้าที่เท่านั้นที่บันทึกผลการตรวจได้",
                    en: "only the assigned surveyor or an officer may record the inspection")
            }
            guard status == .inspectionAssigned || status == .inspected else { throw WorkflowRules.notNow(event.action, status) }
            state.inspection = try SiteInspection(payload: event.payload).value
            state.status = .inspected

        case "extend":
            try WorkflowRules.requireOfficial(event)
            _ = try WorkflowRules.reason(event)
            guard state.clock.startedOn != nil, let due = state.clock.dueDate(on: event.date) else {
                throw ActionRefusal(.invalidForStatus, th: "ขยายเวลาได้หลังรับคำขอแล้วเท่านั้น", en: "the period can be extended only after acceptance")
            }
            guard state.clock.extensions < settings.maximumExtensions else {
                throw ActionRefusal(
                    .invalidForStatus, th: "ขยายเวลาครบ \(settings.maximumExtensions) ครั้งแล้ว",
                    en: "the period has already been extended \(settings.maximumExtensions) times")
            }
            guard event.date <= due else {
                throw ActionRefusal(
                    .invalidForStatus, th: "ต้องขยายเวลาก่อนครบกำหนด (\(due.thaiText))",
                    en: "an extension must be recorded before the period ends (\(due.iso))")
            }
            state.clock.extensions += 1
            state.clock.allowedDays += settings.extensionDays

        case "approve":
            try WorkflowRules.requireOfficial(event)
            guard let status, Self.working.contains(status) else { throw WorkflowRules.notNow(event.action, status) }
            if !settings.inspectionWaived {
                guard status == .inspected, let inspection = state.inspection else {
                    throw ActionRefusal(
                        .invalidForStatus, th: "ต้องบันทึกผลการตรวจสถานที่ก่อนอนุญาต",
                        en: "a site inspection must be recorded before approval")
                }
                guard inspection["result"] == "pass" else {
                    throw ActionRefusal(
                        .invalidForStatus, th: "ผลการตรวจสถานที่ไม่ผ่าน: ตรวจใหม่หรือไม่อนุญาต",
                        en: "the site inspection failed: inspect again or reject")
                }
            }
            guard let text = event.payload["number"]?.stringValue, let number = OfficialNumber(text) else {
                throw ActionRefusal(
                    .invalidPayload, th: "การอนุญาตต้องมีเลขที่ใบอนุญาตที่ออกโดยเครื่องหลักของสำนักงาน",
                    en: "an approval carries the permit number issued by the office node")
            }
            state.number = number
            state.status = .approved
            state.clock.stoppedOn = event.date

        case "reject":
            try WorkflowRules.requireOfficial(event)
            state.reason = try WorkflowRules.reason(event)
            state.status = .rejected
            state.clock.stoppedOn = event.date

        case "withdraw":
            try WorkflowRules.requireApplicantOrOfficial(event)
            state.reason = event.payload["reason"]?.stringValue
            state.status = .withdrawn
            state.clock.stoppedOn = event.date

        default:
            throw ActionRefusal(
                .unknownAction, th: "ไม่รู้จักการดำเนินการ \"\(event.action)\"",
                en: "unknown action \"\(event.action)\" for a building permit")
        }
    }
}
