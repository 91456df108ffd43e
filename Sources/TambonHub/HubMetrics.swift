import Prometheus
import TambonStore

/// The hub's metrics, exposed at `GET /metrics` in the Prometheus text format: requests by endpoint and outcome,
/// changes accepted, changes refused by reason, request latency, and writes waiting. Counts only — never record contents.
public final class HubMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private static let namespace = "tambon_hub"

    /// How long requests to the database waited for a connection, by pool (PostgreSQL only): a wait that grows
    /// says the pool is too small for the load, or a pool's connections are held by work waiting for something else.
    private let connectionWaits: [ConnectionPool: DurationHistogram]

    public init() {
        var waits: [ConnectionPool: DurationHistogram] = [:]
        for pool in ConnectionPool.allCases {
            waits[pool] = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: Self.namespace, metricName: "database_connection_wait", unitName: "seconds",
                    helpText: "Time a request to the database waited for a connection of its pool"),
                labels: [("pool", pool.rawValue)],
                buckets: [
                    .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                    .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                ])
        }
        connectionWaits = waits
    }

    func connectionWait(_ pool: ConnectionPool, _ wait: Duration) {
        connectionWaits[pool]?.record(wait)
    }

    func request(endpoint: String, outcome: String, seconds: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: Self.namespace, metricName: "requests", unitName: "total",
                helpText: "Sync requests by endpoint and outcome (ok or the refusal code)"),
            labels: [("endpoint", endpoint), ("outcome", outcome)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: Self.namespace, metricName: "request_duration", unitName: "seconds",
                helpText: "Time to answer a sync request"),
            labels: [("endpoint", endpoint)],
            buckets: [
                .milliseconds(5), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
            ]
        ).record(seconds)
    }

    func accepted(_ count: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: Self.namespace, metricName: "changes_accepted", unitName: "total",
                helpText: "Changes newly applied from pushes and imports"),
            labels: []
        ).increment(by: Int64(count))
    }

    func refused(reason: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: Self.namespace, metricName: "changes_refused", unitName: "total",
                helpText: "Pushes refused, by reason"),
            labels: [("reason", reason)]
        ).increment()
    }

    /// Pushes and uploads waiting for a write's slot (``NodeRequestLimiter``), set when the metrics are read: a
    /// queue that stays long says the writer cannot keep up.
    func writesWaiting(_ count: Int) {
        setGauge("writes", unit: "waiting", help: "Pushes and uploads waiting for the store's writer", to: Double(count))
    }

    /// Changes the report index has not read yet (``TambonReports/ReportIndex/arrivalsBehind()``), set when the
    /// metrics are read, from a read at most 5 s old (``ReportLagProbe``): it rises during a burst, which the index
    /// waits out, and should fall back to 0 within minutes after it.
    func reportIndexBehind(_ changes: Int64) {
        setGauge("report_index_behind", unit: "changes", help: "Changes in the log the report index has not read yet", to: Double(changes))
    }

    /// Sets the unlabelled gauge `tambon_hub_<name>_<unit>`.
    private func setGauge(_ name: String, unit: String, help: String, to value: Double) {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: Self.namespace, metricName: name, unitName: unit, helpText: help), labels: []
        ).set(value)
    }

    public func exposition() -> String {
        registry.emitToString()
    }
}
