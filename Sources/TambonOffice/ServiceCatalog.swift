import TambonCore
import TambonOSS

/// The application services an office offers and the settings it runs each with (periods, waivers, fee tables),
/// plus the office-wide signatory. A service plugs in through ``TambonOSS/ApplicationService``; adding one is its
/// folder and one line in ``all``.
public struct ServiceCatalog: Sendable {
    /// Every application service, in the order screens list them.
    public static let all: [any ApplicationService.Type] = [
        BuildingPermitService.self,
        FoodCertificateService.self,
    ]

    /// The services this catalog holds, in order, each with the office's settings.
    public let offered: [any OfferedService]
    /// Who signs the office's permits and certificates (printed under the signature line); nil: left blank.
    public var signatory: Signatory?
    /// How the office bills its fees (member `billing`): biller ID, due days, surcharge, rate tables.
    public var billing: BillingSettings = .standard
    /// The office's letter code and unit for its outgoing letters' numbers (member `letter_code`, `มท 0808.2`).
    /// Nil until set: then no letter can be numbered, and sending says so.
    public var letterCode: String?

    /// The services with their default settings.
    public init(services: [any ApplicationService.Type] = ServiceCatalog.all) {
        offered = services.map { $0.offeredWithDefaults() }
    }

    /// The services with the settings of an office's document (its members checked; absent ones default).
    public init(document: [String: JSONValue], services: [any ApplicationService.Type] = ServiceCatalog.all) throws {
        offered = try services.map { try $0.offered(from: document) }
    }

    /// The authority rules every store applies (SPEC §15): the fixed tables of ``TambonCore/AuthorityRules/standard``
    /// with each service's field actions (``TambonOSS/ServiceWorkflow/fieldActions``) open to survey nodes in
    /// `applications`. They are read from the services' default workflows, since every replica must decide with
    /// the same rules whatever its office's settings. All services share the collection, so an action name is
    /// open in every service once one declares it field work; each workflow still refuses actions it does not know.
    public static func authorityRules(services: [any ApplicationService.Type] = ServiceCatalog.all) -> AuthorityRules {
        let actions = services.flatMap { $0.defaultWorkflow.fieldActions.map(\.rawValue) }
        return AuthorityRules.standard.allowingFieldActions(actions.sorted(), in: ApplicationRecord.collection)
    }

    /// Whether a survey node may record `action` on an application of `service` (field work), by this catalog's
    /// services.
    public func isFieldAction(_ action: ActionName, service: ServiceID) -> Bool {
        self.service(service)?.workflow.fieldActions.contains(action) ?? false
    }

    /// The codes of every service Tambon offers (filters, reports).
    public static var services: [ServiceID] { all.map { $0.id } }

    /// What each service issues, in Thai.
    public static var names: [ServiceID: String] { Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.thaiName) }) }

    /// The codes of the services this catalog holds.
    public var services: [ServiceID] { offered.map(\.id) }

    /// The service `id` as this office runs it, or nil if it does not offer it.
    public func service(_ id: ServiceID) -> (any OfferedService)? {
        offered.first { $0.id == id }
    }

    /// The office's settings for service `S` (its defaults if the catalog does not hold it).
    public func settings<S: ApplicationService>(_ service: S.Type) -> S.Settings {
        offered.lazy.compactMap { $0 as? Offered<S> }.first?.settings ?? S.defaultSettings
    }

    /// The workflow of `service`, or nil if this office does not offer it.
    public func workflow(_ service: ServiceID) -> (any ServiceWorkflow)? {
        self.service(service)?.workflow
    }

    /// Whether `action` on an application of `service` issues an official number.
    public func issuesNumber(service: ServiceID, action: ActionName) -> Bool {
        self.service(service)?.issuesNumber(for: action) ?? false
    }

    /// A service's details checked, in their stored form, and the fees due on filing (satang).
    public func file(_ service: ServiceID, _ details: [String: JSONValue], on day: CivilDate) throws -> ServiceFiling {
        guard let offered = self.service(service) else {
            throw OfficeError(.invalid, code: "unknown_service", th: "ไม่มีบริการ \"\(service)\"", en: "no service \"\(service)\"")
        }
        do {
            return try offered.file(details, on: day)
        } catch let error as TambonError {
            throw OfficeError(error)
        }
    }

    /// The settings document of this catalog: every service's members and the signatory.
    public func document() throws -> [String: JSONValue] {
        var document: [String: JSONValue] = [:]
        for service in offered { document.merge(try service.document()) { $1 } }
        if let signatory { document["signatory"] = try SettingsDocument.value(signatory) }
        document["billing"] = try SettingsDocument.value(billing)
        if let letterCode { document["letter_code"] = .string(letterCode) }
        return document
    }
}

/// A service as one office runs it: the service's code, names and rules with that office's settings.
public protocol OfferedService: Sendable {
    var id: ServiceID { get }
    var thaiName: String { get }
    var workflow: any ServiceWorkflow { get }
    func issuesNumber(for action: ActionName) -> Bool
    func file(_ details: [String: JSONValue], on day: CivilDate) throws -> ServiceFiling
    func officeView(state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> [String: JSONValue]
    func billableFees(state: ApplicationState, fees: [String: JSONValue], submittedOn: CivilDate, on today: CivilDate) -> [BillableFee]
    func document() throws -> [String: JSONValue]
}

/// ``OfferedService`` for one service type.
public struct Offered<S: ApplicationService>: OfferedService {
    public let settings: S.Settings

    public var id: ServiceID { S.id }
    public var thaiName: String { S.thaiName }
    public var workflow: any ServiceWorkflow { S.workflow(settings) }
    public func issuesNumber(for action: ActionName) -> Bool { S.issuesNumber(for: action) }
    public func file(_ details: [String: JSONValue], on day: CivilDate) throws -> ServiceFiling { try S.file(details, settings: settings, on: day) }
    public func officeView(state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> [String: JSONValue] {
        S.officeView(settings: settings, state: state, submittedOn: submittedOn, on: today)
    }
    public func billableFees(state: ApplicationState, fees: [String: JSONValue], submittedOn: CivilDate, on today: CivilDate) -> [BillableFee] {
        S.billableFees(settings: settings, state: state, fees: fees, submittedOn: submittedOn, on: today)
    }
    public func document() throws -> [String: JSONValue] { try S.document(of: settings) }
}

extension ApplicationService {
    static func offeredWithDefaults() -> any OfferedService { Offered<Self>(settings: defaultSettings) }
    static func offered(from document: [String: JSONValue]) throws -> any OfferedService { Offered<Self>(settings: try settings(from: document)) }
}
