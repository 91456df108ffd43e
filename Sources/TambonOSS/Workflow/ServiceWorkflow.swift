import TambonCore

/// A service's workflow: a pure state machine over application events. Each service (building permit, food
/// certificate, …) supplies its actions; the frame (``Timeline``) orders the events and records which applied.
public protocol ServiceWorkflow: Sendable {
    /// The service's code in records and URLs (`building-permit`).
    var service: String { get }

    /// The actions this service knows, in the order an officer's screen lists them.
    var actions: [String] { get }

    /// Applies `event` to `state`, or refuses it (leaving `state` as it was).
    func apply(_ event: ApplicationEvent, to state: inout ApplicationState) throws(ActionRefusal)
}

extension ServiceWorkflow {
    /// The actions `role` could take now (for the buttons on the application page).
    public func available(to role: ActorRole, actor: String, in state: ApplicationState, probe: ApplicationEvent.Probe) -> [String] {
        actions.filter { action in
            var copy = state
            do throws(ActionRefusal) {
                try apply(probe.event(action: action, actor: actor, role: role), to: &copy)
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

        func event(action: String, actor: String, role: ActorRole) -> ApplicationEvent {
            ApplicationEvent(id: "probe", hlc: hlc, action: action, actor: actor, role: role)
        }
    }
}
