public import Failover
public import Prometheus
import Locking

/// The client's metrics in the Prometheus text format.
///
/// Counters and histograms come from the client itself, through swift-metrics: make the client with
/// ``metricsFactory`` (or bootstrap `MetricsSystem` with it) so they land in ``registry``. The gauges
/// of the client's state are read at each scrape from ``FailoverClient/status()``, so nothing is
/// updated on the path of requests:
///
/// | series | type | labels |
/// |---|---|---|
/// | `failover_attempts_total` | counter | `node`, `outcome` (`success`, `failure`) |
/// | `failover_attempt_failures_total` | counter | `node`, `outcome` (`503`, `connectionRefused`, `tlsFailure`...) |
/// | `failover_attempt_duration_seconds` | histogram | `node` |
/// | `failover_health_checks_total` | counter | `node`, `result` |
/// | `failover_health_check_duration_seconds` | histogram | `node` |
/// | `failover_switches_total` | counter | `reason` |
/// | `failover_hedges_total` | counter | `node` |
/// | `failover_ejections_total` | counter | `node`, `reason` |
/// | `failover_node_info` | gauge, 1 | `node`, `url`, `role` |
/// | `failover_node_up` | gauge, 1 or 0 (down or disabled: 0) | `node` |
/// | `failover_node_state` | gauge, 1 for the node's state, 0 for the others | `node`, `state` |
/// | `failover_node_ejected` | gauge, 1 while the outlier detection keeps it out | `node` |
/// | `failover_node_in_flight` | gauge | `node` |
/// | `failover_node_priority` | gauge | `node` |
/// | `failover_node_weight` | gauge | `node` |
/// | `failover_current_node` | gauge, the current node's index | |
/// | `failover_retry_budget_tokens` | gauge | |
public final class PrometheusExporter: Sendable {
    /// Where the series are kept.
    public let registry: PrometheusCollectorRegistry
    /// The factory to make the client with, so its counters and histograms land in ``registry``.
    public let metricsFactory: PrometheusMetricsFactory

    /// The states a node's `failover_node_state` series covers.
    static let states = ["unknown", "healthy", "suspect", "down", "probing", "disabled"]

    /// Creates an exporter with a registry of its own, with latency buckets from 0.5 ms to 10 s.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        metricsFactory = factory
    }

    /// A gauge of the registry (no `# HELP`: the series are documented above and in the README).
    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: ""), labels: labels)
    }

    /// The gauges of each node, by index, as last set: a node that goes (or whose URL or role
    /// changes) has its series taken out, so no scrape shows a node that is not there.
    private let nodeGauges = LockedValue<[Int: (info: [String], gauges: [Gauge])]>([:])

    /// The text of a scrape: the state gauges refreshed from `client`, then every series.
    public func render(_ client: FailoverClient) -> String {
        let status = client.status()
        var seen = Set<Int>()
        for node in status.nodes {
            seen.insert(node.index)
            let label = String(node.index)
            let info = [label, node.url.description, node.role.rawValue]
            let state = node.state.rawValue
            var gauges = [gauge("failover_node_info", [("node", label), ("url", info[1]), ("role", info[2])])]
            gauges[0].set(1.0)
            let up = gauge("failover_node_up", [("node", label)])
            up.set(node.state.isEligible ? 1.0 : 0.0)
            gauges.append(up)
            for name in Self.states {
                let series = gauge("failover_node_state", [("node", label), ("state", name)])
                series.set(name == state ? 1.0 : 0.0)
                gauges.append(series)
            }
            let values: [(String, Double)] = [
                ("failover_node_ejected", node.ejection == nil ? 0 : 1), ("failover_node_in_flight", Double(node.inFlight)),
                ("failover_node_priority", Double(node.priority)), ("failover_node_weight", Double(node.weight)),
            ]
            for (name, value) in values {
                let series = gauge(name, [("node", label)])
                series.set(value)
                gauges.append(series)
            }
            let stale = nodeGauges.withLock { known -> [Gauge] in
                defer { known[node.index] = (info, gauges) }
                guard let previous = known[node.index], previous.info != info else { return [] }
                return [previous.gauges[0]]
            }
            for gauge in stale { registry.unregisterGauge(gauge) }
        }
        let gone = nodeGauges.withLock { known -> [Gauge] in
            let removed = known.keys.filter { !seen.contains($0) }
            defer { for index in removed { known[index] = nil } }
            return removed.flatMap { known[$0]?.gauges ?? [] }
        }
        for gauge in gone { registry.unregisterGauge(gauge) }
        gauge("failover_current_node").set(Double(status.current))
        if let tokens = client.retryBudgetTokens { gauge("failover_retry_budget_tokens").set(tokens) }
        return registry.emitToString()
    }
}
