import TambonCore
import TambonOSS

// A third application service, written as a plug-in would be: this folder and one catalog line in the tests
// (`ServiceCatalog.all + [SignboardPermitService.self]`). Nothing outside the folder knows it.

extension ServiceID {
    static let signboardPermit: ServiceID = "signboard-permit"
}

/// Permits for signboards (ป้าย): submit → accept → approve (numbered) or reject; a fee per square metre of sign.
enum SignboardPermitService: ApplicationService {
    static let id = ServiceID.signboardPermit
    static let thaiName = "ใบอนุญาตติดตั้งป้าย"
    static let englishName = "signboard permit"

    struct Settings: Sendable, Equatable, Codable {
        var periodDays = 15
        var satangPerSquareMetre: Int64 = 20_000
    }

    static let defaultSettings = Settings()

    static func settings(from document: [String: JSONValue]) throws -> Settings {
        guard let settings = try SettingsDocument.member("signboard_permit", of: document, as: Settings.self) else { return defaultSettings }
        guard (1...90).contains(settings.periodDays), settings.satangPerSquareMetre >= 0 else {
            throw SettingsDocument.outOfRange(th: "ค่าตั้งใบอนุญาตติดตั้งป้ายอยู่นอกช่วง", en: "signboard_permit out of range (period 1–90 days)")
        }
        return settings
    }

    static func document(of settings: Settings) throws -> [String: JSONValue] {
        ["signboard_permit": try SettingsDocument.value(settings)]
    }

    static func workflow(_ settings: Settings) -> any ServiceWorkflow { SignboardWorkflow(periodDays: settings.periodDays) }

    static func file(_ details: [String: JSONValue], settings: Settings, on day: CivilDate) throws -> ServiceFiling {
        var problems: [FieldError] = []
        let width = details["width_m"]?.numberValue, height = details["height_m"]?.numberValue
        for (field, value) in [("width_m", width), ("height_m", height)] where !(value.map { $0.isFinite && $0 > 0 && $0 <= 50 } ?? false) {
            problems.append(FieldError(field, th: "ขนาดป้ายต้องมากกว่า 0 และไม่เกิน 50 เมตร", en: "\(field) must be more than 0 and at most 50"))
        }
        guard problems.isEmpty, let width, let height else { throw ValidationErrors(problems) }
        let fee = Int64((width * height * Double(settings.satangPerSquareMetre)).rounded())
        return ServiceFiling(
            details: ["width_m": .number(width), "height_m": .number(height), "location": details["location"] ?? .null],
            fees: ["permit": .number(Double(fee)), "total": .number(Double(fee)), "currency": "THB-satang"])
    }

    static func syntheticDetails(location: JSONValue) -> [String: JSONValue] {
        ["width_m": 2, "height_m": 1, "location": location]
    }
}

struct SignboardWorkflow: ServiceWorkflow {
    let periodDays: Int
    var service: ServiceID { .signboardPermit }
    var actions: [ActionName] { [.accept, .approve, .reject, .withdraw] }
    var fieldActions: Set<ActionName> { [] }
    var finalStatuses: Set<ApplicationStatus> { ApplicationStatus.decided }

    func apply(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal) {
        let status = state.status
        switch event.action {
        case .accept:
            try WorkflowRules.requireOfficial(event)
            guard status == .submitted else { throw WorkflowRules.notNow(event.action, status) }
            state.status = .accepted
            state.clock.startedOn = event.date
            state.clock.allowedDays = periodDays
        case .approve:
            try WorkflowRules.requireOfficial(event)
            guard status == .accepted, let number = event.payload["number"]?.stringValue.flatMap(OfficialNumber.init) else {
                throw WorkflowRules.notNow(event.action, status)
            }
            state.number = number
            state.status = .approved
            state.clock.stoppedOn = event.date
        case .reject:
            try WorkflowRules.requireOfficial(event)
            guard status == .submitted || status == .accepted else { throw WorkflowRules.notNow(event.action, status) }
            state.reason = try WorkflowRules.reason(event)
            state.status = .rejected
            state.clock.stoppedOn = event.date
        case .withdraw:
            try WorkflowRules.requireApplicantOrOfficial(event)
            guard status == .submitted || status == .accepted else { throw WorkflowRules.notNow(event.action, status) }
            state.status = .withdrawn
            state.clock.stoppedOn = event.date
        default:
            throw ActionRefusal(.unknownAction, th: "ไม่มีการดำเนินการนี้", en: "no action \(event.action) for signboard permits")
        }
    }
}
