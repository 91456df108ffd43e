import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonWebKit

/// The documents staff print (A4) once an application is approved, one per service
/// (`/office/applications/ID/<the service's print path>`: the building permit, แบบ อ.1, and the food-place
/// notification certificate). Before that, a page saying there is nothing to print yet.
struct PrintPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<TambonRequestContext>) {
        for service in ServicePagesCatalog.all {
            router.get("/office/applications/:id/\(service.printPath)") { request, context in
                try await self.print(service, request, id: try context.parameters.require("id"))
            }
        }
    }

    func print(_ service: any ServicePages.Type, _ request: Request, id: String) async throws -> Response {
        guard let session = try await pages.staffOrLogin(request) else { return PageRenderer.redirect("/login") }
        let application = try await web.application(id, for: session)
        guard let document = service.printed(application, office: web, on: web.book.today()) else {
            let notYet = service.notYetIssued
            return try await pages.page(
                "error", title: notYet.title, request: request, status: .conflict,
                ["message": notYet.thai, "message_en": notYet.english])
        }
        return try await pages.page(document.template, title: document.title, request: request, document.values)
    }
}
