import Foundation
import TambonCore

/// How a store behaves: clock source, skew bound, and which machine it runs on.
public struct StoreConfiguration: Sendable {
    /// Wall time in Unix milliseconds. Injected so tests can move time backwards and forwards.
    public var wallClock: @Sendable () -> Int64
    /// How far ahead of local wall time a remote change's HLC may be before it is refused.
    public var maximumSkewMillis: Int64
    /// A fingerprint of this machine (see ``StoreConfiguration/machineFingerprint()``). When set, local writes are
    /// refused if the node was initialised on another machine, so a copied data directory cannot silently become
    /// a second node with the same id and sequence numbers. Nil turns the check off (in-memory tests).
    public var host: String?
    /// Whether every commit waits for the disk (`PRAGMA synchronous = FULL`, the default: a write an officer saw
    /// succeed survives a power cut). Off only to prepare benchmark data quickly.
    public var durableCommits = true
    /// How often a connection of its own checkpoints the write-ahead log (copies committed pages into the database
    /// file; ``WALCheckpointer``), so that no commit waits for it. Nil leaves it to SQLite, at the end of the commit
    /// that takes the log past 1,000 pages.
    public var checkpointInterval: Duration? = .milliseconds(250)
    /// The authority rules (SPEC §15) every local write and every applied change must pass. The default has no
    /// workflow action open to survey nodes: the command line and the servers use `ServiceCatalog.authorityRules()`
    /// (TambonOffice), with every service's field actions, so that every store judges alike. Nil turns the rules
    /// off: only for tests of the log's own mechanics (merge, chains, feeds), which write records of no office.
    public var authority: AuthorityRules? = .standard
    /// The machine's boot clock (``TambonCore/BootInstant``), which no change of the wall clock moves: with it a node
    /// tells a clock set right by hand from time passing (SPEC §4.1). Nil where there is none; tests whose wall
    /// clock jumps by days leave it nil, since no boot clock would follow.
    public var bootClock: @Sendable () -> BootInstant? = StoreConfiguration.systemBoot

    public init(
        wallClock: @escaping @Sendable () -> Int64 = StoreConfiguration.systemMillis,
        maximumSkewMillis: Int64 = HybridLogicalClock.defaultMaximumSkewMillis,
        host: String? = nil
    ) {
        self.wallClock = wallClock
        self.maximumSkewMillis = maximumSkewMillis
        self.host = host
    }

    @Sendable public static func systemMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// This boot's id and the time since it (Linux: `/proc/sys/kernel/random/boot_id`, `CLOCK_BOOTTIME`); nil
    /// elsewhere.
    @Sendable public static func systemBoot() -> BootInstant? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        var time = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &time) == 0 else { return nil }
        return BootInstant(
            boot: text.trimmingCharacters(in: .whitespacesAndNewlines),
            uptimeMillis: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
        #else
        return nil
        #endif
    }

    /// This machine's id: /etc/machine-id (systemd, D-Bus), falling back to the host name.
    public static func machineFingerprint() -> String {
        for path in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !id.isEmpty { return "machine-id:" + id }
            }
        }
        return "hostname:" + ProcessInfo.processInfo.hostName
    }
}
