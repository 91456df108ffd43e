import Foundation
import Synchronization

/// What a ``PooledTransport`` saw of each exchange while recording: where the time of a slow sync went. The hub
/// reports its own share in `Server-Timing` (from the request's head to its answer); the rest is the wait for one
/// of the pool's connections in this process, and the time connecting, queued on either side's event loops and on
/// the wire.
final class ExchangeLog: Sendable {
    struct Entry: Sendable {
        /// When the exchange was asked for.
        let start: ContinuousClock.Instant
        /// Waiting in this process for one of the pool's connections (``PooledTransport``'s gate).
        let gateMillis: Double
        let totalMillis: Double
        /// The hub's own time, nil when it sent none (a refusal).
        let hubMillis: Double?
    }

    private let entries = Mutex<[Entry]>([])
    private let recording = Mutex(false)

    var isRecording: Bool { recording.withLock { $0 } }

    func record(_ on: Bool) { recording.withLock { $0 = on } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    /// The entries started at or after `instant`.
    func entries(since instant: ContinuousClock.Instant) -> [Entry] {
        entries.withLock { $0.filter { $0.start >= instant } }
    }

    /// The hub's time from a `Server-Timing` value such as `hub;dur=12.5`.
    static func hubMillis(_ header: String?) -> Double? {
        guard let header, let range = header.range(of: "dur=") else { return nil }
        return Double(header[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }
}
