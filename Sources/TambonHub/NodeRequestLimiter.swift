import TambonCore

/// At most ``maximumPerNode`` requests of one node at a time at the hub. A node sends one request at a time (SPEC
/// §11), so two leaves room for a manual `tambon node sync` beside `node serve`; a stolen key hammering the hub
/// gets 429 beyond that, and with each request bounded (8 MiB on the wire, 32 MiB decompressed) so is the memory
/// one node can hold. Counted once the request signature checks out, so only the node's own key uses its slots.
public actor NodeRequestLimiter {
    public static let maximumPerNode = 2

    private var inFlight: [NodeID: Int] = [:]

    public init() {}

    /// Takes a slot for `node`, or refuses with 429 (`too_many_requests`, retry after a second).
    public func enter(_ node: NodeID) throws {
        let count = inFlight[node, default: 0]
        guard count < Self.maximumPerNode else {
            throw TambonError(
                .tooManyRequests, "too_many_requests",
                "node \(node.short)… already has \(count) requests in progress at the hub; wait for them", details: ["retry_after_s": 1])
        }
        inFlight[node] = count + 1
    }

    public func leave(_ node: NodeID) {
        let count = (inFlight[node] ?? 1) - 1
        inFlight[node] = count > 0 ? count : nil
    }

    /// Requests of `node` in progress.
    public func count(_ node: NodeID) -> Int { inFlight[node, default: 0] }
}
