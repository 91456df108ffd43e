import TambonCore
import TambonOSS
import Testing

@testable import TambonOffice

/// The authority rules the service catalog builds: what a survey node may record on an application, decided by the
/// pure ``TambonCore/Authority/decide(_:writer:rules:)`` on signed changes.
@Suite struct ServiceAuthorityTests {
    static let office = "6500101"
    static let record = Authority.recordID(office: office, local: "K7M2Q9XA")

    /// A change by `identity` adding one event to the application.
    static func event(_ action: ActionName, role: ActorRole, by identity: NodeIdentity) -> Change {
        let event = ApplicationEvent(id: "e-\(action)", hlc: HLC(millis: 1_800_000_000_000, counter: 0), action: action, actor: "chai", role: role)
        return Change(
            origin: identity.id, seq: 1, hlc: HLC(millis: 1_800_000_000_000, counter: 0), collection: ApplicationRecord.collection,
            record: record, scope: [office], operations: [.add(field: "events", id: event.id, value: event.value)], previous: nil
        ).signed(by: identity)
    }

    @Test func aSurveyNodeMayRecordAnInspectionButNotApprove() throws {
        let rules = ServiceCatalog.authorityRules()
        let laptop = try NodeIdentity(seed: Array(repeating: 3, count: 32))
        let survey = Enrolment(node: laptop.id, office: Self.office, role: .survey)

        #expect(Authority.decide(Self.event("record-inspection", role: .surveyor, by: laptop), writer: survey, rules: rules) == nil)
        let approval = Authority.decide(Self.event(.approve, role: .surveyor, by: laptop), writer: survey, rules: rules)
        #expect(approval?.reason == .surveyNotAllowed)
        #expect(Authority.decide(Self.event(.accept, role: .surveyor, by: laptop), writer: survey, rules: rules)?.reason == .surveyNotAllowed)
        // The food certificate declares no field work: nothing of it is open beyond the building permit's action.
        #expect(
            Authority.decide(Self.event("record-payment", role: .surveyor, by: laptop), writer: survey, rules: rules)?.reason == .surveyNotAllowed)
        // The standard rules alone open no action: the catalog is what adds the inspection.
        #expect(
            Authority.decide(Self.event("record-inspection", role: .surveyor, by: laptop), writer: survey, rules: .standard)?.reason
                == .surveyNotAllowed)

        // The office node approves.
        let desk = try NodeIdentity(seed: Array(repeating: 4, count: 32))
        let office = Enrolment(node: desk.id, office: Self.office, role: .office)
        #expect(Authority.decide(Self.event(.approve, role: .officer, by: desk), writer: office, rules: rules) == nil)
    }

    @Test func theRulesCarryEachServicesFieldActions() {
        #expect(ServiceCatalog.authorityRules().survey[ApplicationRecord.collection]?.fieldActions == ["record-inspection"])
        #expect(ServiceCatalog.authorityRules(services: [FoodCertificateService.self]).survey[ApplicationRecord.collection]?.fieldActions == [])
        let catalog = ServiceCatalog()
        #expect(catalog.isFieldAction("record-inspection", service: .buildingPermit))
        #expect(!catalog.isFieldAction(.approve, service: .buildingPermit))
        #expect(!catalog.isFieldAction("record-inspection", service: .foodCertificate))
    }
}
