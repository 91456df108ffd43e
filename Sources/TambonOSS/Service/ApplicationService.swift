import TambonCore

/// What every service of the programme declares, whatever its unit of work: its code and its names. Applications
/// (permits, certificates) are one kind; fee bills and official letters will be others, so the frame assumes
/// nothing more here.
public protocol Service: Sendable {
    /// The service's code in records, URLs and reports.
    static var id: ServiceID { get }
    /// What the service issues, in Thai: how queues, filters and reports name it.
    static var thaiName: String { get }
    static var englishName: String { get }
}

/// A service whose unit of work is an application: a citizen files it with details, the office acts on it through
/// the service's workflow, and a decision may issue a numbered document. A service is its folder (its details,
/// settings, fees, workflow, this declaration) plus one line in the catalog (`ServiceCatalog.all`).
public protocol ApplicationService: Service {
    /// How one office runs the service (periods, waivers, fee tables), read from the office's settings document.
    associatedtype Settings: Sendable

    /// The settings of an office that set none (the domain facts' defaults).
    static var defaultSettings: Settings { get }

    /// This service's part of an office's settings document (`office_settings/<office>`): its own members, each
    /// checked (a refusal names the member and the range); absent members keep the defaults.
    static func settings(from document: [String: JSONValue]) throws -> Settings

    /// The members `settings` reads, written back (what `tambon node settings` prints).
    static func document(of settings: Settings) throws -> [String: JSONValue]

    /// The workflow an office with `settings` runs.
    static func workflow(_ settings: Settings) -> any ServiceWorkflow

    /// Checks a citizen's details and gives them in their stored form, with the fees due on filing (satang, with
    /// `total` and `currency`), as of `day`.
    static func file(_ details: [String: JSONValue], settings: Settings, on day: CivilDate) throws -> ServiceFiling

    /// Whether `action` issues an official number from the office's register (only the office node does).
    static func issuesNumber(for action: ActionName) -> Bool

    /// What staff see beyond the frame's view of an application (a certificate's yearly dues, for example).
    static func officeView(settings: Settings, state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> [String: JSONValue]

    /// Details as a citizen would file them, for generated applications in tests and benchmarks; `location` is the
    /// pin (or null).
    static func syntheticDetails(location: JSONValue) -> [String: JSONValue]

    /// The fees of an application that the office bills through the fee service (a Thai QR, cash at the counter),
    /// as of `today`. By default the fees due on filing (`fees.total`), once.
    static func billableFees(
        settings: Settings, state: ApplicationState, fees: [String: JSONValue], submittedOn: CivilDate, on today: CivilDate
    ) -> [BillableFee]
}

/// One fee of an application a bill can carry: its key among the application's bills (`P` the filing fee, `F70`
/// a certificate's fee for 2570), what it is, the amount and the Buddhist-Era year it belongs to, and whether the
/// workflow already records it paid (then no bill is issued for it).
public struct BillableFee: Sendable, Equatable {
    public let key: String
    public let label: String
    public let amount: Money
    public let year: Int
    public let recordedPaid: Bool

    public init(key: String, label: String, amount: Money, year: Int, recordedPaid: Bool = false) {
        self.key = key
        self.label = label
        self.amount = amount
        self.year = year
        self.recordedPaid = recordedPaid
    }
}

extension ApplicationService {
    /// The workflow of an office with the default settings.
    public static var defaultWorkflow: any ServiceWorkflow { workflow(defaultSettings) }

    public static func issuesNumber(for action: ActionName) -> Bool { action == .approve }

    public static func officeView(settings: Settings, state: ApplicationState, submittedOn: CivilDate, on today: CivilDate) -> [String: JSONValue] {
        [:]
    }

    public static func billableFees(
        settings: Settings, state: ApplicationState, fees: [String: JSONValue], submittedOn: CivilDate, on today: CivilDate
    ) -> [BillableFee] {
        guard let total = fees["total"]?.integerValue, (1...Bill.maximumSatang).contains(total) else { return [] }
        return [BillableFee(key: "P", label: "ค่าธรรมเนียม\(thaiName)", amount: Money(satang: total), year: submittedOn.buddhistYear)]
    }
}

/// What filing an application stores: the details as checked and the fees due.
public struct ServiceFiling: Sendable {
    public let details: [String: JSONValue]
    public let fees: [String: JSONValue]

    public init(details: [String: JSONValue], fees: [String: JSONValue]) {
        self.details = details
        self.fees = fees
    }
}
