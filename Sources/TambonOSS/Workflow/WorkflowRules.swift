import TambonCore

/// Checks and refusals every service's workflow shares.
public enum WorkflowRules {
    public static func notNow(_ action: ActionName, _ status: ApplicationStatus?) -> ActionRefusal {
        ActionRefusal(
            .invalidForStatus, th: "ทำรายการ \"\(action)\" ไม่ได้ในสถานะปัจจุบัน (\(status?.thai ?? "-"))",
            en: "\"\(action)\" is not possible while the application is \(status?.rawValue ?? "not submitted")")
    }

    public static func forbidden(_ event: ApplicationEvent) -> ActionRefusal {
        ActionRefusal(
            .forbidden, th: "บทบาท \(event.role.rawValue) ทำรายการ \"\(event.action)\" ไม่ได้",
            en: "a \(event.role.rawValue) may not \(event.action)")
    }

    public static func requireOfficial(_ event: ApplicationEvent) throws(ActionRefusal) {
        guard event.role.isOfficial else { throw forbidden(event) }
    }

    /// The applicant themselves, or an officer acting for them.
    public static func requireApplicantOrOfficial(_ event: ApplicationEvent) throws(ActionRefusal) {
        guard event.role == .citizen || event.role.isOfficial else { throw forbidden(event) }
    }

    public static func reason(_ event: ApplicationEvent) throws(ActionRefusal) -> String {
        guard let reason = event.payload["reason"]?.stringValue, !reason.allSatisfy(\.isWhitespace), reason.count <= 2000 else {
            throw ActionRefusal(
                .invalidPayload, th: "ต้องระบุเหตุผล (ไม่เกิน 2,000 ตัวอักษร)", en: "\"reason\" (at most 2,000 characters) is required for \(event.action)")
        }
        return reason
    }
}
