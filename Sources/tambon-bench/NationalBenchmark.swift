import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TambonCore
import TambonHub
import TambonOSS
import TambonOffice
import TambonPostgres
import TambonProtocol
import TambonReports
import TambonStore
import TambonSync
import TambonTestSupport

/// `tambon-bench national`: the country against one hub (issue 17). The hub runs as its own process,
/// `tambon hub serve`, holding every office enrolled and 200 applications each; this process plays the offices —
/// lightweight clients (``BenchOffice``: a key, a chain, a cursor) speaking the real protocol over TLS on loopback,
/// sharing pooled connections — and the banks.
///
/// 1. Steady state: every office syncs every 5 minutes with one change (offices ÷ 300 syncs a second).
/// 2. The morning after a regional outage: 1,000 offices push 500 changes each at once, while the others keep
///    their no-op syncs and a bank confirms 200 payments a second.
/// 3. The national report over HTTPS, as an operator's browser asks for it.
///
/// Prints one JSON line per backend: the embedded SQLite hub, then PostgreSQL (with its server's CPU apart).
struct NationalBenchmark {
    let directory: String
    var offices = 7_850
    var applicationsPerOffice = 200
    var steadySeconds = 60.0
    var outageOffices = 1_000
    var outageChanges = 500
    var confirmationsPerSecond = 200.0
    /// The bank's requests in flight at most: a confirmation offered beyond them waits in this process. At 200 a
    /// second, 32 (the default until the twelfth run) bound the rate to 32 over a batch's wait for the log's lock:
    /// on PostgreSQL, confirmations queued here for a median of 25–31 s during the drain, against 0.2 s with 128.
    var bankConnections = 128
    /// Which hubs to run: `sqlite`, `postgres` (a throwaway cluster unless `postgres` names a server).
    var backends: Set<String> = ["sqlite", "postgres"]
    var postgres: String?
    /// Seconds between one office's syncs (SPEC: a node syncs every 5 minutes when idle).
    static let syncInterval = 300.0
    static let reportRuns = 15
    static let bankSecret = Array("national bench bank secret, 32B!".utf8)
    static let operatorPassword = "national bench operator"

    /// Options after `national`: `--offices N --applications N --steady-seconds S --outage-offices N --outage-changes N
    /// --confirmations-per-second R --bank-connections N --backends sqlite,postgres --postgres URL`.
    init(directory: String, arguments: [String]) throws {
        self.directory = directory
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--backends" || flag == "--postgres" {
                guard let value = rest.popFirst() else { throw TambonError(.invalid, "usage", "\(flag) needs a value") }
                if flag == "--postgres" {
                    postgres = value
                } else {
                    backends = Set(value.split(separator: ",").map(String.init))
                    guard !backends.isEmpty, backends.isSubset(of: ["sqlite", "postgres"]) else {
                        throw TambonError(.invalid, "usage", "--backends takes sqlite, postgres or both (comma-separated)")
                    }
                }
                continue
            }
            let numeric: Set = [
                "--offices", "--applications", "--steady-seconds", "--outage-offices", "--outage-changes", "--confirmations-per-second",
                "--bank-connections",
            ]
            guard numeric.contains(flag) else { throw TambonError(.invalid, "usage", "unknown option \(flag) (see tambon-bench --help)") }
            guard let text = rest.popFirst(), let value = Double(text), value >= 0, value <= 10_000_000 else {
                throw TambonError(.invalid, "usage", "\(flag) needs a number from 0 to 10,000,000")
            }
            switch flag {
            case "--offices": offices = max(2, Int(value))
            case "--applications": applicationsPerOffice = Int(value)
            case "--steady-seconds": steadySeconds = max(1, value)
            case "--outage-offices": outageOffices = Int(value)
            case "--outage-changes": outageChanges = min(SyncProtocol.maximumPushChanges, max(1, Int(value)))
            case "--confirmations-per-second": confirmationsPerSecond = value
            case "--bank-connections": bankConnections = min(1_024, max(1, Int(value)))
            default: throw TambonError(.invalid, "usage", "unknown option \(flag)")
            }
        }
        outageOffices = min(outageOffices, offices - 1)
    }

    /// What the seeding leaves for the run: the hub's id, each office's key, the feed position every office is
    /// caught up to, the bills the bank will pay.
    struct Seeded: Sendable {
        let hub: NodeID
        let identities: [(office: String, identity: NodeIdentity)]
        let feedHead: Int64
        let billOffice: String
        let bills: Int
        let seconds: Double
    }

    func run() async throws -> [[String: JSONValue]] {
        var lines: [[String: JSONValue]] = []
        if backends.contains("sqlite") { lines.append(try await run(database: nil)) }
        if backends.contains("postgres") {
            let line = try await Self.withPostgres(server: postgres, directory: directory + "/pg") { server in
                var quiet = Logger(label: "bench.postgres")
                quiet.logLevel = .critical
                return try await PostgresStore.withScratchDatabase(server: server, logger: quiet) { try await run(database: $0) }
            }
            lines.append(line)
        }
        return lines
    }

    /// The whole simulation against one hub: SQLite in its data directory, or PostgreSQL at `database`.
    private func run(database: DatabaseSettings?) async throws -> [String: JSONValue] {
        let backend = database == nil ? "sqlite" : "postgres"
        print("— the hub on \(backend) —")
        let data = directory + "/hub-" + backend
        let log = directory + "/hub-\(backend).log"
        try HubProcess.run(
            ["hub", "init", "--data", data, "--name", "national bench hub"] + (database.map { ["--database", $0.url] } ?? []), log: log)
        let seeded: Seeded
        if let database {
            seeded = try await PostgresStore.withStore(settings: database, configuration: Self.storeConfiguration, directory: data) {
                try await seed(store: $0, data: data)
            }
        } else {
            seeded = try await seed(store: try DataDirectory(path: data).open(configuration: Self.storeConfiguration), data: data)
        }
        let caPEM = try String(contentsOfFile: data + "/hub-ca.pem", encoding: .utf8)
        let hub = try await HubProcess(data: data, log: log)
        var figures: [String: JSONValue]
        do {
            figures = try await measure(hub: hub, caPEM: caPEM, seeded: seeded, postgres: database != nil)
        } catch {
            hub.stop()
            throw error
        }
        hub.stop()
        figures["backend"] = .string(backend)
        figures["offices"] = .number(Double(offices))
        figures["applications"] = .number(Double(offices * applicationsPerOffice))
        figures["seed_s"] = .number(seeded.seconds.rounded(to: 1))
        return figures
    }

    /// The configuration the seeding opens the hub with: the same host and rules as `tambon hub serve`.
    static var storeConfiguration: StoreConfiguration {
        var configuration = StoreConfiguration(host: StoreConfiguration.machineFingerprint())
        configuration.authority = ServiceCatalog.authorityRules()
        configuration.durableCommits = false
        return configuration
    }

    /// Runs `body` with the PostgreSQL server of `--postgres URL` (or `TAMBON_BENCH_POSTGRES`); the simulation makes
    /// a database of its own there and drops it afterwards. For a throwaway durable cluster:
    /// `eval "$(TAMBON_PG_DURABLE=1 scripts/postgres start /tmp/bench-pg)"` and `--postgres "postgres://tambon@/tambon?host=/tmp/bench-pg"`.
    static func withPostgres<T: Sendable>(server: String?, directory: String, _ body: (DatabaseSettings) async throws -> T) async throws -> T {
        guard let url = server ?? ProcessInfo.processInfo.environment["TAMBON_BENCH_POSTGRES"] else {
            throw TambonError(
                .invalid, "usage", "the postgres backend needs a server: --postgres URL or TAMBON_BENCH_POSTGRES (or --backends sqlite)",
                hint:
                    "eval \"$(TAMBON_PG_DURABLE=1 scripts/postgres start /tmp/bench-pg)\" then --postgres \"postgres://tambon@/tambon?host=/tmp/bench-pg\""
            )
        }
        return try await body(try DatabaseSettings(url: url))
    }

    // MARK: Seeding (in this process, on the hub's directory, before the hub starts)

    private func seed(store: any HubLog, data: String) async throws -> Seeded {
        let started = Date()
        guard let hub = try await store.node() else { throw TambonError(.internal, "bench", "the hub was not initialised") }
        let codes = (0..<offices).map { String(5_000_001 + $0) }

        print("enrolling \(offices) office nodes …")
        var identities: [(String, NodeIdentity)] = []
        for (number, office) in codes.enumerated() {
            let identity = NodeIdentity()
            let token = try await store.registry.createEnrolmentToken(office: office, role: .office)
            _ = try await store.registry.enrol(token: token, node: identity.id, office: office, name: "office \(office)")
            identities.append((office, identity))
            if number % 1_000 == 999 { print("  \(number + 1)") }
        }

        print("writing \(offices) × \(applicationsPerOffice) applications into the hub's log …")
        var random = SeededGenerator(seed: 2570)
        let now = StoreConfiguration.systemMillis()
        for (number, office) in codes.enumerated() where applicationsPerOffice > 0 {
            var edits: [LocalEdit] = []
            for index in 0..<applicationsPerOffice {
                edits.append(
                    SyntheticApplication.edit(
                        collection: ApplicationRecord.collection, office: office, index: index, now: now, withinDays: 540, random: &random))
            }
            let batch = edits
            _ = try await store.write(batch)
            if number % 500 == 499 { print(String(format: "  %d offices (%.0f s)", number + 1, Date().timeIntervalSince(started))) }
        }

        // One office's bills, for the bank to pay during the outage.
        let billOffice = codes[codes.count - 1]
        let bills = Int(confirmationsPerSecond * 300)
        _ = try await store.write([
            LocalEdit(
                collection: "office_settings", record: billOffice, set: ["settings": ["billing": ["tax_id": "0994000165501"]]], scope: [billOffice])
        ])
        var start = 0
        while start < bills {
            let range = start..<min(start + 1_000, bills)
            _ = try await store.write(
                range.map { index in
                    let bill = Self.bill(index)
                    return LocalEdit(collection: Bill.collection, record: billOffice + "." + bill.reference, set: bill.fields, scope: [billOffice])
                })
            start += 1_000
        }
        try BankRegistry.add(name: "scb", secret: Self.bankSecret, directory: data, now: now)
        _ = try await UserDirectory(store: store, cost: 4).add(name: "operator", role: .admin, password: Self.operatorPassword)

        print("building the report index …")
        let indexed = try await ReportIndex(store: store).refresh()
        let statistics = try await store.statistics()
        let feedHead = try await store.feedPosition()
        let seconds = Date().timeIntervalSince(started)
        print(
            String(
                format: "seeded in %.0f s: %d changes, %d feed rows, %d applications indexed, %d bills", seconds, statistics.changes,
                statistics.feedRows, indexed, bills))
        return Seeded(
            hub: hub.id, identities: identities, feedHead: feedHead, billOffice: billOffice, bills: bills, seconds: seconds)
    }

    static func bill(_ index: Int) -> Bill {
        Bill(
            reference: "6911P\(100_000 + index)", reference2: "256911", payer: "P\(100_000 + index)", application: nil,
            period: BillingPeriod("2569-11"), lines: [.init(kind: "garbage", label: "ค่าขยะ", amount: Money(satang: 2_000))],
            arrears: .zero, carried: [], issued: CivilDate(iso: "2026-11-01")!, due: CivilDate(iso: "2026-11-16")!, check: "K7M2Q9")
    }

    // MARK: The run against the hub process

    /// `postgres`: the hub's log is on this machine's PostgreSQL server, whose CPU is counted apart.
    private func measure(hub: HubProcess, caPEM: String, seeded: Seeded, postgres: Bool) async throws -> [String: JSONValue] {
        let clients = seeded.identities.map { BenchOffice(office: $0.office, identity: $0.identity, hub: seeded.hub, cursor: seeded.feedHead) }
        var order = Array(clients.indices)
        var random = SeededGenerator(seed: 7850)
        order.shuffle(using: &random)
        let outage = Array(order.prefix(outageOffices)).map { clients[$0] }
        let others = Array(order.dropFirst(outageOffices)).map { clients[$0] }
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let rate = Double(offices) / Self.syncInterval

        // The syncing offices, the outage's offices and the bank are different machines: each party has its own
        // event loop in this process, so one's client work does not queue another's requests (PooledTransport).
        let idle = try PooledTransport(url: hub.url, caPEM: caPEM, connections: 64, ownEventLoop: true)
        let pushing = try PooledTransport(url: hub.url, caPEM: caPEM, connections: max(1, outageOffices))
        let bank = try PooledTransport(url: hub.url, caPEM: caPEM, connections: bankConnections, ownEventLoop: true)
        return try await withTeardown {
            var figures: [String: JSONValue] = [:]

            // (1) Steady state.
            print(String(format: "(1) steady state: %.1f syncs/s (each office every 5 min, one change) for %.0f s …", rate, steadySeconds))
            for office in others.prefix(16) { try await office.sync(newChanges: 0, over: idle) }  // open the pool's connections
            let cpuBefore = hub.cpuSeconds()
            let serverBefore = !postgres ? 0 : HubProcess.postgresCPUSeconds()
            let selfBefore = Self.ownCPUSeconds()
            let steadyStart = ContinuousClock.now
            let steady = try await Self.paced(rate: rate, seconds: steadySeconds, offices: others) { office in
                try await office.sync(newChanges: 1, over: idle)
            }
            // At least the whole window (`paced` returns no earlier), longer if the last syncs ran past it.
            let steadyWall = (ContinuousClock.now - steadyStart).seconds
            let hubShare = (hub.cpuSeconds() - cpuBefore) / (steadyWall * cores)
            let serverShare = !postgres ? 0 : (HubProcess.postgresCPUSeconds() - serverBefore) / (steadyWall * cores)
            let clientShare = (Self.ownCPUSeconds() - selfBefore) / (steadyWall * cores)
            let steadyP50 = Self.percentile(steady, 50)
            let steadyP99 = Self.percentile(steady, 99)
            print(
                String(
                    format:
                        "    %d syncs in %.1f s: hub CPU %.1f %% of %.0f cores (target < 10 %%), p50 %.1f ms, p99 %.1f ms (target < 100 ms); clients %.1f %%",
                    steady.count, steadyWall, hubShare * 100, cores, steadyP50, steadyP99, clientShare * 100))
            figures["steady_syncs"] = .number(Double(steady.count))
            figures["steady_syncs_per_s"] = .number((Double(steady.count) / steadyWall).rounded(to: 1))
            figures["steady_hub_cpu_share"] = .number(hubShare.rounded(to: 4))
            if postgres {
                print(String(format: "    PostgreSQL's own processes: %.1f %% of %.0f cores besides", serverShare * 100, cores))
                figures["steady_database_cpu_share"] = .number(serverShare.rounded(to: 4))
            }
            figures["steady_client_cpu_share"] = .number(clientShare.rounded(to: 4))
            figures["steady_p50_ms"] = .number(steadyP50.rounded(to: 1))
            figures["steady_p99_ms"] = .number(steadyP99.rounded(to: 1))

            // (2) The morning after a regional outage.
            print("(2) outage: \(outageOffices) offices sign \(outageChanges) changes each (before the clock starts) …")
            let bodies = try await withThrowingTaskGroup(of: (Int, EncodedBody, Int64).self) { group in
                for (index, office) in outage.enumerated() {
                    group.addTask {
                        let batch = await office.changes(outageChanges)
                        return (index, try BenchOffice.pushBody(batch), batch[batch.count - 1].seq)
                    }
                }
                var bodies = [(EncodedBody, Int64)?](repeating: nil, count: outage.count)
                for try await (index, body, last) in group { bodies[index] = (body, last) }
                return bodies.compactMap { $0 }
            }
            let megabytes = Double(bodies.reduce(0) { $0 + $1.0.bytes.count }) / 1_048_576
            print(
                String(
                    format: "    %d pushes, %.1f MB compressed; all at once, with no-op syncs and %.0f bank confirmations/s …",
                    bodies.count, megabytes, confirmationsPerSecond))
            let overflowsBefore = Self.listenOverflows()
            let waitsBefore = await ConnectionWaits.read(over: idle)
            var noOpRetriesBefore = 0
            for office in others { noOpRetriesBefore += await office.retries }
            let cpuOutage = hub.cpuSeconds()
            let serverOutage = !postgres ? 0 : HubProcess.postgresCPUSeconds()
            let selfOutage = Self.ownCPUSeconds()
            idle.log.record(true)
            let drainStart = ContinuousClock.now
            let draining = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (office, (body, last)) in zip(outage, bodies) {
                        group.addTask { try await office.push(body, last: last, over: pushing) }
                    }
                    try await group.waitForAll()
                }
                return (ContinuousClock.now - drainStart).seconds
            }
            let stop = Stopwatch()
            let noOps = Task { [others] in
                try await Self.pacedSamples(rate: rate, seconds: 3_600, offices: others, until: stop) { office in
                    try await office.sync(newChanges: 0, over: idle)
                }
            }
            let confirmations = Task { [confirmationsPerSecond, seeded] in
                try await Self.confirm(rate: confirmationsPerSecond, bills: seeded.bills, over: bank, until: stop)
            }
            let drained: Double
            do {
                drained = try await draining.value
            } catch {
                stop.stop()
                _ = await noOps.result
                _ = await confirmations.result
                throw error
            }
            stop.stop()
            idle.log.record(false)
            // CPU over the drain itself, read before the confirmations still in flight are waited for (their tail
            // ran for minutes on PostgreSQL and was counted against the drain's seconds until the sixth run).
            let outageShare = (hub.cpuSeconds() - cpuOutage) / (drained * cores)
            // The simulated offices and bank share the hub's cores: what they took is the hub's to lose.
            let outageClientShare = (Self.ownCPUSeconds() - selfOutage) / (drained * cores)
            figures["outage_client_cpu_share"] = .number(outageClientShare.rounded(to: 4))
            if postgres {
                figures["outage_database_cpu_share"] = .number(((HubProcess.postgresCPUSeconds() - serverOutage) / (drained * cores)).rounded(to: 4))
            }
            let noOpSamples = try await noOps.value
            let noOpLatencies = noOpSamples.map(\.milliseconds).sorted()
            let confirmed = try await confirmations.value
            let paid = confirmed.count
            let paidLatencies = confirmed.map(\.sample.milliseconds)
            let noOpP99 = Self.percentile(noOpLatencies, 99)
            let paidP99 = Self.percentile(paidLatencies, 99)
            let drainedChanges = outageOffices * outageChanges
            var pushRetries = 0
            for office in outage { pushRetries += await office.retries }
            var noOpRetries = -noOpRetriesBefore
            for office in others { noOpRetries += await office.retries }
            let listenDrops = Self.listenOverflows().flatMap { after in overflowsBefore.map { after - $0 } }
            print(
                String(
                    format:
                        "    %d changes drained in %.1f s (%.0f changes/s; target < 120 s); %d pushes turned away (429) and sent again; hub CPU %.0f %%; others' no-op syncs: %d, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (target < 500 ms)",
                    drainedChanges, drained, Double(drainedChanges) / drained, pushRetries, outageShare * 100, noOpLatencies.count,
                    Self.percentile(noOpLatencies, 50), Self.percentile(noOpLatencies, 90), noOpP99))
            print(
                "    no-op syncs sent again (429 or no answer): \(noOpRetries); connections the kernel dropped at a full listen queue: "
                    + (listenDrops.map(String.init) ?? "unknown")
                    + String(format: "; the simulated clients' CPU: %.1f %% of %.0f cores", outageClientShare * 100, cores))
            // When the slowest were sent: the tail's cause differs if it is the first seconds of the burst.
            let slowest = noOpSamples.filter { $0.milliseconds >= noOpP99 }.map(\.sentAfter).sorted()
            let later = noOpSamples.filter { $0.sentAfter >= 10 }.map(\.milliseconds).sorted()
            if let first = slowest.first, let last = slowest.last {
                print(
                    String(
                        format:
                            "    the slowest 1 %% of no-op syncs were sent %.1f to %.1f s into the drain (median %.1f s); sent after the first 10 s: p99 %.1f ms",
                        first, last, slowest[slowest.count / 2], Self.percentile(later, 99)))
                figures["outage_noop_slowest_sent_median_s"] = .number(slowest[slowest.count / 2].rounded(to: 1))
                figures["outage_noop_p99_after_10s_ms"] = .number(Self.percentile(later, 99).rounded(to: 1))
            }
            figures["outage_noop_retries"] = .number(Double(noOpRetries))
            // Where the slowest requests' time went: the hub's own share (Server-Timing), the wait for a pooled
            // connection in this process, and the rest (connecting, event loops on either side, the wire).
            // Means, so that the parts add up to the whole.
            let exchanges = idle.log.entries(since: drainStart).sorted { $0.totalMillis > $1.totalMillis }
            let tail = exchanges.prefix(max(1, exchanges.count / 100))
            if !tail.isEmpty {
                let count = Double(tail.count)
                let total = tail.reduce(0) { $0 + $1.totalMillis } / count
                let hub = tail.reduce(0) { $0 + ($1.hubMillis ?? 0) } / count
                let gate = tail.reduce(0) { $0 + $1.gateMillis } / count
                print(
                    String(
                        format:
                            "    the slowest 1 %% of those requests (%d of %d), means: %.1f ms in all: the hub's own time (Server-Timing) %.1f ms, waiting here for a pooled connection %.1f ms, the rest (connecting, event loops, the wire) %.1f ms",
                        tail.count, exchanges.count, total, hub, gate, total - hub - gate))
                figures["outage_noop_slowest_ms"] = .number(total.rounded(to: 1))
                figures["outage_noop_slowest_hub_ms"] = .number(hub.rounded(to: 1))
                figures["outage_noop_slowest_outside_hub_ms"] = .number((total - hub - gate).rounded(to: 1))
            }
            if let before = waitsBefore, let waits = await ConnectionWaits.read(over: idle)?.since(before) {
                for (name, pool) in waits.pools.sorted(by: { $0.key < $1.key }) {
                    print(
                        String(
                            format: "    database connections, %@ pool: %.0f leases, mean wait %.1f ms, %.1f %% waited over 100 ms", name,
                            pool.leases, pool.meanMillis, pool.shareOver100ms * 100))
                    figures["outage_\(name)_lease_wait_mean_ms"] = .number(pool.meanMillis.rounded(to: 1))
                    figures["outage_\(name)_lease_wait_over_100ms_share"] = .number(pool.shareOver100ms.rounded(to: 4))
                }
            }
            if let listenDrops { figures["outage_listen_drops"] = .number(Double(listenDrops)) }
            print(
                String(
                    format: "    bank confirmations meanwhile: %d (%.0f/s), p50 %.1f ms, p99 %.1f ms", paid, Double(paid) / drained,
                    Self.percentile(paidLatencies, 50), paidP99))
            // What the slowest confirmations waited on: a bank waits a second before it sends one again.
            let paidTail = confirmed.filter { $0.sample.milliseconds >= paidP99 }
            let retried = confirmed.filter { !$0.turnedAway.isEmpty }
            if let first = paidTail.map(\.sample.sentAfter).min(), let last = paidTail.map(\.sample.sentAfter).max() {
                let causes = Dictionary(grouping: retried.flatMap(\.turnedAway), by: { $0 }).mapValues(\.count)
                    .sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
                print(
                    String(
                        format:
                            "    confirmations sent again: %d (%@); of the slowest 1 %%, %d were sent again; they were first sent %.1f to %.1f s into the drain",
                        retried.count, causes.isEmpty ? "none" : causes, paidTail.filter { !$0.turnedAway.isEmpty }.count, first, last))
            }
            figures["outage_confirmation_retries"] = .number(Double(retried.count))
            figures["outage_changes"] = .number(Double(drainedChanges))
            figures["outage_drain_s"] = .number(drained.rounded(to: 2))
            figures["outage_push_retries"] = .number(Double(pushRetries))
            figures["outage_hub_cpu_share"] = .number(outageShare.rounded(to: 4))
            figures["outage_noop_syncs"] = .number(Double(noOpLatencies.count))
            figures["outage_noop_p50_ms"] = .number(Self.percentile(noOpLatencies, 50).rounded(to: 1))
            figures["outage_noop_p90_ms"] = .number(Self.percentile(noOpLatencies, 90).rounded(to: 1))
            figures["outage_noop_p99_ms"] = .number(noOpP99.rounded(to: 1))
            figures["outage_confirmations"] = .number(Double(paid))
            figures["outage_confirmations_per_s"] = .number((Double(paid) / drained).rounded(to: 1))
            figures["outage_confirmation_p99_ms"] = .number(paidP99.rounded(to: 1))

            // (3) The national report, over HTTPS with an operator's session.
            print("(3) the national report over HTTPS (\(Self.reportRuns) runs, once its index is up to the log) …")
            let (first, firstBehind, current, reports) = try await Self.reports(over: idle)
            let reportP50 = Self.percentile(reports, 50)
            let reportP99 = Self.percentile(reports, 99)
            print(
                String(
                    format: "    first report %.0f ms (%@); up to date after %.1f s; then p50 %.1f ms, p99 %.1f ms (target p50 < 200 ms)",
                    first, firstBehind ? "its index still behind the outage's changes" : "its index up to date", current, reportP50,
                    reportP99))
            figures["report_first_ms"] = .number(first.rounded(to: 1))
            figures["report_first_behind"] = .bool(firstBehind)
            figures["report_current_after_s"] = .number(current.rounded(to: 1))
            figures["report_p50_ms"] = .number(reportP50.rounded(to: 1))
            figures["report_p99_ms"] = .number(reportP99.rounded(to: 1))
            figures["hub_rss_mib"] = .number(hub.residentMiB().rounded(to: 0))
            return figures
        } teardown: {
            await idle.shutdown()
            await pushing.shutdown()
            await bank.shutdown()
        }
    }

    /// One paced request: when it was sent (seconds after the first) and how long it took (ms).
    struct Sample: Sendable {
        let sentAfter: Double
        let milliseconds: Double
    }

    /// Runs `body` for offices in turn, started `rate` times a second (open loop: a slow answer does not slow the
    /// arrivals), for `seconds` or until `stop`; returns each one's latency in ms, sorted.
    static func paced(
        rate: Double, seconds: Double, offices: [BenchOffice], until stop: Stopwatch? = nil,
        _ body: @escaping @Sendable (BenchOffice) async throws -> Void
    ) async throws -> [Double] {
        try await pacedSamples(rate: rate, seconds: seconds, offices: offices, until: stop, body).map(\.milliseconds).sorted()
    }

    /// ``paced(rate:seconds:offices:until:_:)`` with each request's send time.
    static func pacedSamples(
        rate: Double, seconds: Double, offices: [BenchOffice], until stop: Stopwatch? = nil,
        _ body: @escaping @Sendable (BenchOffice) async throws -> Void
    ) async throws -> [Sample] {
        let clock = ContinuousClock()
        let start = clock.now
        let count = Int(rate * seconds)
        return try await withThrowingTaskGroup(of: Sample.self) { group in
            for index in 0..<count {
                if stop?.stopped == true { break }
                try await clock.sleep(until: start + .seconds(Double(index) / rate))
                let office = offices[index % offices.count]
                group.addTask {
                    let sent = clock.now
                    try await body(office)
                    return Sample(sentAfter: (sent - start).seconds, milliseconds: (clock.now - sent).seconds * 1_000)
                }
            }
            var samples: [Sample] = []
            for try await sample in group { samples.append(sample) }
            if stop == nil { try await clock.sleep(until: start + .seconds(seconds)) }
            return samples
        }
    }

    /// One bank confirmation: when it was first sent, how long until it was recorded, and what turned away the
    /// attempts before (a status, or "no answer").
    struct Confirmation: Sendable {
        let sample: Sample
        let turnedAway: [String]
    }

    /// Bank confirmations of the seeded bills at `rate` a second until `stop`, by latency.
    static func confirm(rate: Double, bills: Int, over transport: PooledTransport, until stop: Stopwatch) async throws -> [Confirmation] {
        guard rate > 0 else { return [] }
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Confirmation.self) { group in
            for index in 0..<bills {
                if stop.stopped { break }
                try await clock.sleep(until: start + .seconds(Double(index) / rate))
                group.addTask {
                    let bill = bill(index)
                    let body: JSONValue = [
                        "transactionId": .string("N\(index)"), "amount": "20.00", "transactionDateandTime": "2026-11-05T09:30:00+07:00",
                        "payeeProxyId": "099400016550100", "billPaymentRef1": .string(bill.reference), "billPaymentRef2": "256911",
                        "sendingBankCode": "014", "receivingBankCode": "014", "currencyCode": "764",
                    ]
                    let bytes = Array(body.canonicalText.utf8)
                    var request = HTTPClientRequest(url: transport.baseURL + BankController.path)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Tambon-Bank", value: "scb")
                    request.headers.add(name: "Tambon-Signature", value: BankRegistry.signature(of: bytes, secret: bankSecret))
                    request.body = .bytes(ByteBuffer(bytes: bytes))
                    let sent = clock.now
                    // A bank retries a confirmation that got no answer or a 503 (its documentation says so): the
                    // latency counts from the first attempt.
                    var turnedAway: [String] = []
                    while true {
                        do {
                            let (status, _, _) = try await transport.execute(request, deadline: .seconds(60))
                            if status == .ok { break }
                            guard status == .serviceUnavailable || status == .tooManyRequests, turnedAway.count < 19 else {
                                throw TambonError(.badResponse, "bench", "bank confirmation \(index): \(status)")
                            }
                            turnedAway.append(String(status.code))
                        } catch let error as TambonError {
                            throw error
                        } catch {
                            guard turnedAway.count < 19 else { throw error }
                            turnedAway.append("no answer")
                        }
                        try await Task.sleep(for: .seconds(1))
                    }
                    let sample = Sample(sentAfter: (sent - start).seconds, milliseconds: (clock.now - sent).seconds * 1_000)
                    return Confirmation(sample: sample, turnedAway: turnedAway)
                }
            }
            var confirmations: [Confirmation] = []
            for try await confirmation in group { confirmations.append(confirmation) }
            return confirmations.sorted { $0.sample.milliseconds < $1.sample.milliseconds }
        }
    }

    /// Logs in as the hub operator and asks for the national report: the first answer's time, then `reportRuns` more.
    /// The national report after the outage: the first request's time and whether its index was still behind the
    /// log (``ReportIndex/catchUp()``); how long until a report came back up to date (asked once a second, as an
    /// operator reloading would); then `reportRuns` runs on the current index, sorted.
    static func reports(over transport: PooledTransport) async throws -> (first: Double, firstBehind: Bool, current: Double, runs: [Double]) {
        var login = HTTPClientRequest(url: transport.baseURL + "/api/v1/session")
        login.method = .POST
        login.headers.add(name: "Content-Type", value: "application/json")
        login.body = .bytes(ByteBuffer(string: JSONValue.object(["username": "operator", "password": .string(operatorPassword)]).canonicalText))
        let (status, headers, _) = try await transport.execute(login, deadline: .seconds(60))
        guard status == .ok, let cookie = headers["Set-Cookie"].first?.split(separator: ";").first else {
            throw TambonError(.badResponse, "bench", "the operator's login was answered \(status)")
        }
        let clock = ContinuousClock()
        /// One report: its time in ms, and whether it said its index was behind.
        func report() async throws -> (Double, Bool) {
            var request = HTTPClientRequest(url: transport.baseURL + "/api/v1/reports/applications")
            request.headers.add(name: "Cookie", value: String(cookie))
            let sent = clock.now
            let (status, headers, body) = try await transport.execute(request, deadline: .seconds(900))
            guard status == .ok, body.readableBytes > 0 else {
                throw TambonError(.badResponse, "bench", "the national report was answered \(status)")
            }
            return ((clock.now - sent).seconds * 1_000, headers["Tambon-Report-Behind"].first == "true")
        }
        let start = clock.now
        let (first, firstBehind) = try await report()
        var behind = firstBehind
        while behind {
            guard clock.now - start < .seconds(900) else {
                throw TambonError(.badResponse, "bench", "the report index did not reach the log within 15 minutes")
            }
            try await Task.sleep(for: .seconds(1))
            behind = try await report().1
        }
        let current = (clock.now - start).seconds
        var times: [Double] = []
        for _ in 0..<reportRuns { times.append(try await report().0) }
        return (first, firstBehind, current, times.sorted())
    }

    static func percentile(_ sorted: [Double], _ p: Int) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, sorted.count * p / 100)]
    }

    /// Connections the kernel dropped because a listening socket's queue was full, machine-wide since boot
    /// (`TcpExt: ListenOverflows` in /proc/net/netstat); nil where it cannot be read.
    static func listenOverflows() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/net/netstat", encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("TcpExt:") && index + 1 < lines.count {
            let names = line.split(separator: " "), values = lines[index + 1].split(separator: " ")
            guard values.first == "TcpExt:", let column = names.firstIndex(of: "ListenOverflows"), column < values.count else { continue }
            return Int(values[column])
        }
        return nil
    }

    /// CPU seconds this process has used (the simulated offices and banks).
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
