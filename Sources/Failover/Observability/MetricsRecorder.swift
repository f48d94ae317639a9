import CoreMetrics

/// Reports the client's activity through swift-metrics, with a fixed set of dimensions.
///
/// | metric | type | dimensions |
/// |---|---|---|
/// | `failover_attempts_total` | counter | `node`, `outcome` (`success`, `failure`) |
/// | `failover_attempt_duration` | timer (ns) | `node` |
/// | `failover_health_checks_total` | counter | `node`, `result` (`healthy`, `unhealthy`) |
/// | `failover_health_check_duration` | timer (ns) | `node` |
/// | `failover_node_up` | gauge (1 or 0) | `node` |
/// | `failover_switches_total` | counter | `reason` (`failover`, `manual`, `recovery`, `failback`, `disabled`, `removed`, `refresh`) |
///
/// `node` is the node's index, so the label set stays bounded by the number of nodes.
struct MetricsRecorder: Sendable {
    private let factory: any MetricsFactory

    /// Creates a recorder.
    ///
    /// - Parameter factory: Where metrics go; the process-wide `MetricsSystem.factory` by default.
    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func attempt(node: Int, success: Bool, latency: Duration?) {
        Counter(label: "failover_attempts_total", dimensions: [("node", "\(node)"), ("outcome", success ? "success" : "failure")], factory: factory).increment()
        if let latency {
            Timer(label: "failover_attempt_duration", dimensions: [("node", "\(node)")], factory: factory).recordNanoseconds(latency.nanoseconds)
        }
    }

    func healthCheck(node: Int, healthy: Bool, latency: Duration) {
        Counter(label: "failover_health_checks_total", dimensions: [("node", "\(node)"), ("result", healthy ? "healthy" : "unhealthy")], factory: factory).increment()
        Timer(label: "failover_health_check_duration", dimensions: [("node", "\(node)")], factory: factory).recordNanoseconds(latency.nanoseconds)
    }

    func nodeUp(_ node: Int, _ up: Bool) {
        Gauge(label: "failover_node_up", dimensions: [("node", "\(node)")], factory: factory).record(up ? 1 : 0)
    }

    func switched(reason: FailoverEvent.SwitchReason) {
        Counter(label: "failover_switches_total", dimensions: [("reason", reason.rawValue)], factory: factory).increment()
    }
}

extension Duration {
    /// This duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
