import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonWebKit

/// A service's part of the node's web app, beside its domain part (``TambonOSS/ApplicationService``): its citizen
/// form, the panel staff see on an application, and the document they print once it is approved. Each service's
/// web part is its folder under `Services/` with its templates under `Templates/<Service>/`, and one line in
/// ``ServicePagesCatalog/all``; the citizen, staff and print pages only go through this protocol.
protocol ServicePages: Sendable {
    associatedtype Form: ServiceForm

    /// The service these pages are for.
    static var service: ServiceID { get }
    /// The service's templates by the name pages render them by (embedded in the binary by SwiftPM).
    static var templates: [String: [UInt8]] { get }

    /// The staff panel's template and, beyond the application's own view, the values it needs.
    static var panelTemplate: String { get }
    static func panelValues(_ application: ApplicationRecord, catalog: ServiceCatalog, on today: CivilDate) -> [String: Any]

    /// The printed document: its path after `/office/applications/ID/`, its name in the print link, and its page
    /// (template, title, values), or nil while there is nothing to print.
    static var printPath: String { get }
    static var printName: String { get }
    static func printed(_ application: ApplicationRecord, office: OfficeWeb, on today: CivilDate) -> PrintedDocument?
    /// The page shown while there is nothing to print: its title and message in Thai and English.
    static var notYetIssued: (title: String, thai: String, english: String) { get }

    /// The service's own JSON endpoints under `/api/v1` (none by default).
    static func addAPIRoutes(to api: RouterGroup<TambonRequestContext>, web: OfficeWeb)
}

extension ServicePages {
    static func addAPIRoutes(to api: RouterGroup<TambonRequestContext>, web: OfficeWeb) {}

    /// The approval that issued the document: the application approved with a number, by its last applied
    /// `approve` event; nil before.
    static func approval(of application: ApplicationRecord) -> (number: OfficialNumber, on: CivilDate)? {
        guard application.service == service, let number = application.state.number, application.state.status == .approved,
            let approval = application.timeline.entries.last(where: { $0.applied && $0.event.action == .approve })
        else { return nil }
        return (number, approval.event.date)
    }
}

/// A printed document's page.
struct PrintedDocument {
    let template: String
    let title: String
    let values: [String: Any]
}
