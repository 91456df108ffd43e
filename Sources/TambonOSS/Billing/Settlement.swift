/// Money received against a bill: a counter receipt (cash) or a bank's confirmed payment. A ledger replays them in
/// the order they were received.
public struct Settlement: Sendable, Equatable {
    public enum Source: String, Sendable {
        case cash
        case bank
    }

    /// The receipt's or payment's record id (orders settlements received in the same millisecond).
    public let id: String
    /// The reference of the bill it pays.
    public let bill: String
    public let amount: Money
    /// When it was received (milliseconds since 1970).
    public let at: Int64
    public let source: Source

    public init(id: String, bill: String, amount: Money, at: Int64, source: Source) {
        self.id = id
        self.bill = bill
        self.amount = amount
        self.at = at
        self.source = source
    }
}
