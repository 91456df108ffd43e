/// The order of an office's inbox: the most urgent first, then the earliest arrived, then the letter's id (so two
/// letters that arrived in the same millisecond always come in the same order).
public enum InboxOrder {
    public struct Item: Sendable, Equatable {
        public let id: String
        public let urgency: Urgency
        public let arrivedMillis: Int64

        public init(id: String, urgency: Urgency, arrivedMillis: Int64) {
            self.id = id
            self.urgency = urgency
            self.arrivedMillis = arrivedMillis
        }
    }

    public static func sorted(_ items: [Item]) -> [Item] {
        items.sorted {
            if $0.urgency != $1.urgency { return $0.urgency > $1.urgency }
            if $0.arrivedMillis != $1.arrivedMillis { return $0.arrivedMillis < $1.arrivedMillis }
            return $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
        }
    }
}
