import TambonCore

/// What the events of an application add up to: status, legal clock, assignment, inspection, issued number.
public struct ApplicationState: Sendable, Equatable {
    public var status: ApplicationStatus?
    public var clock = LegalClock()
    /// The status to go back to when a returned application is accepted again.
    public var returnedFrom: ApplicationStatus?
    /// The surveyor's user name for the site inspection.
    public var assignee: String?
    /// The latest recorded inspection.
    public var inspection: [String: JSONValue]?
    /// The official number issued with the decision (`12/2569`).
    public var number: OfficialNumber?
    /// The reason of the latest return, rejection or withdrawal.
    public var reason: String?
    /// Buddhist-Era years a certificate was renewed for (their fees fall due), in order.
    public var renewedYears: [Int] = []
    /// How many replacement certificates were issued (the number stays the same).
    public var replacements = 0
    /// Fees paid, by Buddhist-Era year: the receipt reference and the day it was paid.
    public var payments: [Int: FeePayment] = [:]

    public init() {}
}
