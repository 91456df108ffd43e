import TambonCore

/// At most ``maximumPerNode`` requests of one node, and ``maximumTotal`` of all nodes, at a time at the hub. A node
/// sends one request at a time (SPEC §11), so two leaves room for a manual `tambon node sync` beside `node serve`;
/// anything hammering the hub gets 429 beyond that. Counted from the moment the claimed node is known to be enrolled
/// and active, before its body is read: a node's id is public, so a request under its name with a bad signature
/// still costs its body, and with each body bounded (8 MiB on the wire, 32 MiB decompressed) these slots bound the
/// hub's memory for bodies (the sync fuzzer measured 1.2 GB from 128 concurrent unsigned 8 MiB bodies before).
///
/// Writes and reads have budgets of their own. A push waits for the store's single writer, so more than a few in
/// progress only queue there, holding their bodies. They took every slot in the national simulation's outage
/// (1,000 offices pushing at once), and the other offices' no-op syncs were turned away for minutes. At most
/// ``maximumWrites`` pushes and uploads are in progress; the rest of ``maximumTotal`` stays for pulls and other
/// reads, which SQLite's WAL and PostgreSQL serve beside the writer.
public actor NodeRequestLimiter {
    public static let maximumPerNode = 2
    /// All nodes' requests in progress at once (26 syncs a second at national scale, each a fraction of a second).
    public static let maximumTotal = 64
    /// Of them, pushes and attachment uploads: writes, which the store takes one at a time.
    public static let maximumWrites = 16

    /// What a request costs the hub: a write (push, upload) or a read.
    public enum Kind: Sendable {
        case write, read
    }

    private var total = 0
    private var writes = 0

    private var inFlight: [NodeID: Int] = [:]

    public init() {}

    /// Takes a slot for `node`, or refuses with 429 (`too_many_requests`, retry after a second).
    public func enter(_ node: NodeID, kind: Kind = .read) throws {
        let count = inFlight[node, default: 0]
        guard count < Self.maximumPerNode else {
            throw TambonError(
                .tooManyRequests, "too_many_requests",
                "node \(node.short)… already has \(count) requests in progress at the hub; wait for them", details: ["retry_after_s": 1])
        }
        let reads = total - writes
        guard kind == .write ? writes < Self.maximumWrites : reads < Self.maximumTotal - Self.maximumWrites else {
            throw TambonError(
                .tooManyRequests, "hub_busy",
                "the hub has \(kind == .write ? writes : reads) \(kind == .write ? "writes" : "reads") in progress; try again shortly",
                details: ["retry_after_s": 1])
        }
        inFlight[node] = count + 1
        total += 1
        if kind == .write { writes += 1 }
    }

    public func leave(_ node: NodeID, kind: Kind = .read) {
        guard let held = inFlight[node] else { return }
        inFlight[node] = held > 1 ? held - 1 : nil
        total -= 1
        if kind == .write { writes -= 1 }
    }

    /// Requests of `node` in progress.
    public func count(_ node: NodeID) -> Int { inFlight[node, default: 0] }
}
