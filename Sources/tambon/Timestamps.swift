import Foundation

enum Timestamps {
    /// ISO 8601 in UTC, to the second.
    static func iso(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
    }
}
