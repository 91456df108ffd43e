import TambonOSS

/// The web part of every application service the node offers, in the order the home page lists them. Adding a
/// service's pages is its folder and one line here (its domain part is one line in `ServiceCatalog.all`).
enum ServicePagesCatalog {
    static let all: [any ServicePages.Type] = [
        BuildingPermitPages.self,
        FoodCertificatePages.self,
    ]

    /// The pages of `service`, if the node has them.
    static func pages(_ service: ServiceID) -> (any ServicePages.Type)? {
        all.first { $0.service == service }
    }
}
