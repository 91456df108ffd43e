import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TambonCore

/// The hub's `tambon_hub_database_connection_wait_seconds` histogram as read from its `/metrics`, by pool: how
/// many requests to the database took a connection, their total wait, and how many waited over 100 ms. The
/// difference of two readings covers what happened between them (the outage's drain).
struct ConnectionWaits {
    struct Pool {
        var leases = 0.0
        var seconds = 0.0
        var upTo100ms = 0.0
        var meanMillis: Double { leases > 0 ? seconds / leases * 1_000 : 0 }
        var shareOver100ms: Double { leases > 0 ? (leases - upTo100ms) / leases : 0 }
    }

    var pools: [String: Pool] = [:]

    static let metric = "tambon_hub_database_connection_wait_seconds"

    /// Reads the hub's metrics; nil if the hub has no pools (SQLite) or does not answer.
    static func read(over transport: PooledTransport) async -> ConnectionWaits? {
        let request = HTTPClientRequest(url: transport.baseURL + "/metrics")
        guard let (status, _, body) = try? await transport.execute(request, deadline: .seconds(30)), status == .ok else { return nil }
        let waits = parse(String(buffer: body))
        return waits.pools.values.contains { $0.leases > 0 } ? waits : nil
    }

    /// The histogram's lines in Prometheus's text format.
    static func parse(_ text: String) -> ConnectionWaits {
        var waits = ConnectionWaits()
        for line in text.split(separator: "\n") where line.hasPrefix(metric) {
            guard let pool = label("pool", in: line), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            var entry = waits.pools[pool] ?? Pool()
            if line.hasPrefix(metric + "_count") {
                entry.leases = value
            } else if line.hasPrefix(metric + "_sum") {
                entry.seconds = value
            } else if line.hasPrefix(metric + "_bucket"), label("le", in: line).flatMap(Double.init) == 0.1 {
                entry.upTo100ms = value
            }
            waits.pools[pool] = entry
        }
        return waits
    }

    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: name + "=\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// What happened since `earlier`.
    func since(_ earlier: ConnectionWaits) -> ConnectionWaits {
        var result = ConnectionWaits()
        for (name, pool) in pools {
            let before = earlier.pools[name] ?? Pool()
            result.pools[name] = Pool(
                leases: pool.leases - before.leases, seconds: pool.seconds - before.seconds, upTo100ms: pool.upTo100ms - before.upTo100ms)
        }
        return result
    }
}
