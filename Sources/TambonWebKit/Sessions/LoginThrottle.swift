import TambonCore

/// Slows password guessing against one account: after ``freeAttempts`` failed logins in a row, each next attempt
/// must wait twice as long as the one before (1 s, 2 s, 4 s … at most ``maximumWaitMillis``), and one made sooner
/// is refused with 429 and `Retry-After` before any password is checked. A success clears the account's record.
///
/// Kept in memory and bounded (``maximumEntries``, the stalest dropped first), so names an attacker sprays cannot
/// grow it without limit. Per account only: the web app's request context does not carry the client's address
/// (issue 13 notes it), so guessing spread over many accounts is slowed by bcrypt's cost and its bounded pool.
public actor LoginThrottle {
    public static let freeAttempts = 5
    public static let maximumWaitMillis: Int64 = 15 * 60_000
    public static let maximumEntries = 10_000

    private struct Record {
        var failures: Int
        var lastMillis: Int64
    }

    private var records: [String: Record] = [:]
    private let clock: @Sendable () -> Int64

    public init(clock: @escaping @Sendable () -> Int64) {
        self.clock = clock
    }

    /// How long `account` must still wait before its next attempt (ms), 0 if it may try now.
    public func wait(for account: String) -> Int64 {
        guard let record = records[account.lowercased()], record.failures >= Self.freeAttempts else { return 0 }
        let shift = min(record.failures - Self.freeAttempts, 20)
        let wait = min(Int64(1_000) << shift, Self.maximumWaitMillis)
        return max(0, record.lastMillis + wait - clock())
    }

    /// Refuses with 429 if `account` must still wait.
    public func check(_ account: String) throws(WebError) {
        let wait = wait(for: account)
        guard wait == 0 else {
            let seconds = Int((wait + 999) / 1000)
            throw WebError(
                .tooManyRequests, "too_many_attempts", th: "ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ \(seconds) วินาทีแล้วลองใหม่",
                en: "too many failed logins for this account: wait \(seconds) s and try again", retryAfterSeconds: seconds)
        }
    }

    public func failed(_ account: String) {
        let key = account.lowercased()
        if records[key] == nil, records.count >= Self.maximumEntries,
            let stalest = records.min(by: { $0.value.lastMillis < $1.value.lastMillis })?.key
        {
            records[stalest] = nil
        }
        records[key, default: Record(failures: 0, lastMillis: 0)].failures += 1
        records[key]?.lastMillis = clock()
    }

    public func succeeded(_ account: String) {
        records[account.lowercased()] = nil
    }
}
