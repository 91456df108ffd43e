import TambonCore

/// A service's workflow: a pure state machine over application events. Each service (building permit, food
/// certificate, …) supplies its actions; the frame (``Timeline``) orders the events and records which applied.
public protocol ServiceWorkflow: Sendable {
    /// The service's code in records and URLs (`building-permit`).
    var service: ServiceID { get }

    /// The actions this service knows, in the order an officer's screen lists them.
    var actions: [ActionName] { get }

    /// The actions a survey node may record: field work (a site inspection), done by a surveyor on a laptop at the
    /// site. Every other action needs the office's office node, and the authority rules refuse it from a survey node
    /// (`AuthorityRules.allowingFieldActions`, built from every service's set by `ServiceCatalog.authorityRules`).
    /// Every replica must build the same rules, so the set depends on the service alone, never on an office's
    /// settings. No default: a service states it, even when it is empty.
    var fieldActions: Set<ActionName> { get }

    /// Statuses after which nothing more happens.
    var finalStatuses: Set<ApplicationStatus> { get }

    /// Applies one of the service's own actions to a submitted, open application, or refuses it (leaving `state`
    /// as it was). The frame's rules come first: see ``step(_:to:)``.
    func apply(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal)
}

extension ServiceWorkflow {
    /// One event under the rules every service shares, then the service's own: an application begins with
    /// `submit` (by the citizen, or an officer for them), nothing else happens before it, and nothing after a final
    /// status.
    public func step(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal) {
        if event.action == .submit {
            guard state.status == nil else { throw WorkflowRules.notNow(event.action, state.status) }
            try WorkflowRules.requireApplicantOrOfficial(event)
            state.status = .submitted
            return
        }
        guard let status = state.status else {
            throw ActionRefusal(.invalidForStatus, th: "ยังไม่มีคำขอนี้", en: "the application has not been submitted")
        }
        guard !finalStatuses.contains(status) else {
            throw ActionRefusal(.invalidForStatus, th: "คำขอนี้สิ้นสุดแล้ว (\(status.thai))", en: "the application is already closed (\(status.rawValue))")
        }
        try apply(event, to: &state)
    }

    /// The actions `role` could take now (for the buttons on the application page).
    public func available(to role: ActorRole, actor: String, in state: ApplicationState, probe: ApplicationEvent.Probe) -> [ActionName] {
        actions.filter { action in
            var copy = state
            do throws(ActionRefusal) {
                try step(probe.event(action: action, actor: actor, role: role), to: &copy)
                return true
            } catch {
                // A missing reason or assignee is a form to fill in, not a closed door.
                return error.code == .invalidPayload
            }
        }
    }
}

extension ApplicationEvent {
    /// A hypothetical event at a given moment, to ask a workflow whether an action is possible.
    public struct Probe: Sendable {
        public let hlc: HLC
        public init(hlc: HLC) { self.hlc = hlc }

        func event(action: ActionName, actor: String, role: ActorRole) -> ApplicationEvent {
            ApplicationEvent(id: "probe", hlc: hlc, action: action, actor: actor, role: role)
        }
    }
}
