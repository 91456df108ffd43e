/// The tables the authority rules read (SPEC §15): which collections only the hub writes, which only an office
/// node writes, and what a survey node may write. The rules themselves are ``Authority/decide(_:writer:rules:)``.
///
/// Every replica must use the same tables, or they would accept different changes: the services' part (which
/// workflow actions are field work) comes from the service catalog, the rest is fixed here.
public struct AuthorityRules: Sendable, Equatable {
    /// Written only by the hub's own origin: the node roster, hub settings, the agency directory, the payments
    /// banks confirm.
    public var hubOnly: Set<String>
    /// Written only by an office-role node (or the hub): staff accounts, settings, number registers, the payer
    /// register, bills and receipts (numbered without gaps, so issued by one node).
    public var officeNodeOnly: Set<String>
    /// What a survey node may write, by collection; a collection not listed is closed to survey nodes.
    public var survey: [String: SurveyAllowance]

    public init(hubOnly: Set<String>, officeNodeOnly: Set<String>, survey: [String: SurveyAllowance]) {
        self.hubOnly = hubOnly
        self.officeNodeOnly = officeNodeOnly
        self.survey = survey
    }

    /// The roster of enrolled nodes, published by the hub (one record per node, `<office>.<node id>`).
    public static let rosterCollection = "nodes"

    /// The fixed tables, with no workflow action open to survey nodes yet: ``allowingFieldActions(_:in:)`` adds
    /// the services' field actions.
    public static let standard = AuthorityRules(
        hubOnly: [rosterCollection, "hub_settings", "agencies", "payments"],
        officeNodeOnly: ["users", "office_settings", "number_registers", "payers", "bills", "receipts"],
        survey: ["applications": SurveyAllowance(sets: ["attachments"], eventSet: "events")])

    /// These rules with `actions` open to survey nodes in `collection`'s event set.
    public func allowingFieldActions(_ actions: some Sequence<String>, in collection: String = "applications") -> AuthorityRules {
        var rules = self
        var allowance = rules.survey[collection] ?? SurveyAllowance(eventSet: "events")
        allowance.fieldActions.formUnion(actions)
        rules.survey[collection] = allowance
        return rules
    }
}
