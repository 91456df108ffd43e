/// Who may write what: the one pure function every store applies — the hub at intake, every replica to what it
/// receives, every node before it signs (SPEC §15).
///
/// It decides from the change and its writer's enrolment alone. Ownership comes from the record id, not from
/// the record's state, so the decision never depends on what a replica happens to hold or in which order a page
/// arrives: a hub and a scope-filtered replica that hold the same changes accept exactly the same ones.
public enum Authority {
    /// The office that owns a record: its id up to the first `.` (`6500101.K7M2Q9XA`, `6500101.admin`), or the
    /// whole id when it has none (`office_settings/6500101`). Nil when that part cannot be an office code.
    public static func owner(ofRecord id: String) -> String? {
        let owner = id.firstIndex(of: ".").map { String(id[..<$0]) } ?? id
        return Names.isValidOffice(owner) ? owner : nil
    }

    /// The record id `local` gets in `office`'s namespace.
    public static func recordID(office: String, local: String) -> String {
        office + "." + local
    }

    /// Whether `office` — a valid office code, as every writer's is — owns the record `id` (``owner(ofRecord:)``
    /// equals it), compared in place: every applied change asks this, so it allocates nothing.
    public static func isOwned(record id: String, by office: String) -> Bool {
        var record = id.utf8.makeIterator()
        for byte in office.utf8 {
            guard record.next() == byte else { return false }
        }
        let next = record.next()
        return next == nil || next == UInt8(ascii: ".")
    }

    /// Nil if `writer` may make `change`; otherwise why not. `writer` nil: no roster entry names the origin.
    ///
    /// Every store runs this for every change it applies, so the allowed path builds no strings: messages are made
    /// only for a refusal.
    public static func decide(_ change: Change, writer: Enrolment?, rules: AuthorityRules) -> AuthorityRefusal? {
        var what: String { "\(change.collection)/\(change.record)" }
        guard let writer, writer.node == change.origin else {
            return AuthorityRefusal(.unknownWriter, "no enrolled node \(change.origin.short)… is known here to have written \(what)")
        }
        if let revoked = writer.revokedAfterSeq, change.seq > revoked {
            return AuthorityRefusal(
                .revokedWriter, "node \(writer.node.short)… was revoked after its change #\(revoked); #\(change.seq) (\(what)) came later")
        }
        // The hub routes between offices and keeps the roster: it writes any record.
        if writer.role == .hub { return nil }
        let hubScope = change.scope.contains(Enrolment.hubOffice)
        if change.seq <= writer.legacySeq {
            // Accepted under protocol 1, whose only rule was this one; kept so every replica holds the same history.
            guard change.scope.contains(writer.office), !hubScope else {
                return AuthorityRefusal(.notOwner, "\(what) (before protocol 2) is outside office \(writer.office)'s scope")
            }
            return nil
        }
        if rules.hubOnly.contains(change.collection) {
            return AuthorityRefusal(.hubOnly, "\(what): \(change.collection) is written by the hub alone, not by node \(writer.node.short)…")
        }
        if hubScope {
            return AuthorityRefusal(.hubOnly, "\(what): the scope \"\(Enrolment.hubOffice)\" is the hub's own; no node writes into it")
        }
        guard isOwned(record: change.record, by: writer.office) else {
            let owner = owner(ofRecord: change.record)
            if owner == Enrolment.hubOffice {
                return AuthorityRefusal(.hubOnly, "\(what) belongs to the hub; office \(writer.office) may not write it")
            }
            let whose = owner.map { "office \($0)" } ?? "no office (its id has no office part)"
            return AuthorityRefusal(
                .notOwner, "\(what) belongs to \(whose); office \(writer.office) writes only ids starting \"\(writer.office).\"")
        }
        guard change.scope.contains(writer.office) else {
            return AuthorityRefusal(.ownerNotInScope, "\(what): the scope \(change.scope) leaves out its owner, office \(writer.office)")
        }
        switch writer.role {
        case .hub, .office:
            return nil
        case .survey:
            if rules.officeNodeOnly.contains(change.collection) {
                return AuthorityRefusal(
                    .officeNodeOnly, "\(what): \(change.collection) is written by office \(writer.office)'s office node only, not by a survey node")
            }
            return surveyRefusal(change, what: what, allowance: rules.survey[change.collection])
        }
    }

    /// Field work only: adds to the allowed sets, and events of field actions declared by a surveyor.
    private static func surveyRefusal(_ change: Change, what: String, allowance: SurveyAllowance?) -> AuthorityRefusal? {
        guard let allowance else {
            return AuthorityRefusal(.surveyNotAllowed, "a survey node does not write \(change.collection) (\(what))")
        }
        for operation in change.operations {
            switch operation {
            case .set(let field, _):
                return AuthorityRefusal(.surveyNotAllowed, "a survey node adds field work to \(what); it does not set \"\(field)\"")
            case .add(let field, _, let value) where field == allowance.eventSet:
                let action = value.objectValue?["action"]?.stringValue ?? ""
                guard allowance.fieldActions.contains(action) else {
                    return AuthorityRefusal(
                        .surveyNotAllowed, "\"\(action)\" on \(what) needs the office node; a survey node records field work only")
                }
                guard value.objectValue?["role"]?.stringValue == SurveyAllowance.surveyorRole else {
                    return AuthorityRefusal(.surveyNotAllowed, "an event written on a survey node must declare the role \"surveyor\" (\(what))")
                }
            case .add(let field, _, _):
                guard allowance.sets.contains(field) else {
                    return AuthorityRefusal(.surveyNotAllowed, "a survey node does not add to \"\(field)\" of \(what)")
                }
            }
        }
        return nil
    }
}
