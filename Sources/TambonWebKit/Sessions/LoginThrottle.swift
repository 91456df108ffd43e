import TambonCore

/// Slows password guessing, per account and per client. After ``freeAttempts`` failed logins in a row for an
/// account (``clientFreeAttempts`` from one client address, over any accounts), each next attempt must wait twice
/// as long as the one before (1 s, 2 s, 4 s … at most ``maximumWaitMillis``); one made sooner is refused with 429
/// and `Retry-After` before any password is checked. A success clears the account's record and the client's.
///
/// Kept in memory and bounded (``maximumEntries`` each, the stalest dropped first), so names or addresses an
/// attacker sprays cannot grow it without limit. The client is the connection's address (an IPv6 client by its
/// /64); behind a proxy every client is the proxy, which the per-account limit still covers.
public actor LoginThrottle {
    public static let freeAttempts = 5
    /// One client may fail this many logins (over any accounts) before it must wait: an office's shared PC, where
    /// several staff mistype, is not blocked by one of them.
    public static let clientFreeAttempts = 20
    public static let maximumWaitMillis: Int64 = 15 * 60_000
    public static let maximumEntries = 10_000

    private struct Record {
        var failures: Int
        var lastMillis: Int64
    }

    private var records: [String: Record] = [:]
    private var clients: [String: Record] = [:]
    private let clock: @Sendable () -> Int64

    public init(clock: @escaping @Sendable () -> Int64) {
        self.clock = clock
    }

    /// How long `account` must still wait before its next attempt (ms), 0 if it may try now.
    public func wait(for account: String) -> Int64 {
        wait(records[account.lowercased()], free: Self.freeAttempts)
    }

    /// How long `client` must still wait before its next attempt (ms), 0 if it may try now.
    public func wait(client: String) -> Int64 {
        wait(clients[client], free: Self.clientFreeAttempts)
    }

    private func wait(_ record: Record?, free: Int) -> Int64 {
        guard let record, record.failures >= free else { return 0 }
        let shift = min(record.failures - free, 20)
        let wait = min(Int64(1_000) << shift, Self.maximumWaitMillis)
        return max(0, record.lastMillis + wait - clock())
    }

    /// Refuses with 429 if `account`, or `client`, must still wait.
    public func check(_ account: String, client: String? = nil) throws(WebError) {
        let remaining = max(wait(for: account), client.map { wait(client: $0) } ?? 0)
        guard remaining == 0 else {
            let seconds = Int((remaining + 999) / 1000)
            throw WebError(
                .tooManyRequests, "too_many_attempts", th: "ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ \(seconds) วินาทีแล้วลองใหม่",
                en: "too many failed logins: wait \(seconds) s and try again", retryAfterSeconds: seconds)
        }
    }

    public func failed(_ account: String, client: String? = nil) {
        Self.count(&records, account.lowercased(), now: clock())
        if let client { Self.count(&clients, client, now: clock()) }
    }

    public func succeeded(_ account: String, client: String? = nil) {
        records[account.lowercased()] = nil
        if let client { clients[client] = nil }
    }

    private static func count(_ table: inout [String: Record], _ key: String, now: Int64) {
        if table[key] == nil, table.count >= maximumEntries, let stalest = table.min(by: { $0.value.lastMillis < $1.value.lastMillis })?.key {
            table[stalest] = nil
        }
        table[key, default: Record(failures: 0, lastMillis: 0)].failures += 1
        table[key]?.lastMillis = now
    }
}
