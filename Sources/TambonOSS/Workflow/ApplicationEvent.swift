import TambonCore

/// One action on an application, stored as an element of the application record's grow-only `events` set.
///
/// Events never change once written; an application's status is derived from all of them in their deterministic
/// order (``Timeline``), so replicas that merged the same events agree on the status whatever order they
/// received them in.
public struct ApplicationEvent: Sendable, Equatable {
    /// The element id in the `events` set: unique per event.
    public let id: String
    /// When, on the writing node's hybrid logical clock: orders events causally (an action taken after seeing
    /// another sorts after it) and gives the time.
    public let hlc: HLC
    public let action: ActionName
    /// The user name, or `citizen`.
    public let actor: String
    public let role: ActorRole
    /// What the action carries (`reason`, `assignee`, `inspection`, `number`, …).
    public let payload: [String: JSONValue]

    public init(id: String, hlc: HLC, action: ActionName, actor: String, role: ActorRole, payload: [String: JSONValue] = [:]) {
        self.id = id
        self.hlc = hlc
        self.action = action
        self.actor = actor
        self.role = role
        self.payload = payload
    }

    /// The Thai calendar day the action happened.
    public var date: CivilDate { CivilDate(thaiDayOf: Int64(hlc.millis)) }

    /// The deterministic order of a timeline: by clock, then by id.
    public static func precedes(_ lhs: ApplicationEvent, _ rhs: ApplicationEvent) -> Bool {
        lhs.hlc != rhs.hlc ? lhs.hlc < rhs.hlc : lhs.id < rhs.id
    }

    /// The stored form (the set element's value).
    public var value: JSONValue {
        var members: [String: JSONValue] = [
            "action": .string(action.rawValue), "actor": .string(actor), "role": .string(role.rawValue), "at": .string(hlc.hex),
        ]
        if !payload.isEmpty { members["payload"] = .object(payload) }
        return .object(members)
    }

    /// Reads a stored event; nil if it is not one (an element written by a newer version is skipped, not fatal).
    public init?(id: String, value: JSONValue) {
        guard case .object(let members) = value, let action = members["action"]?.stringValue,
            let actor = members["actor"]?.stringValue, let role = members["role"]?.stringValue.flatMap(ActorRole.init(rawValue:)),
            let at = members["at"]?.stringValue.flatMap(HLC.init(hex:))
        else { return nil }
        self.init(id: id, hlc: at, action: ActionName(action), actor: actor, role: role, payload: members["payload"]?.objectValue ?? [:])
    }
}
