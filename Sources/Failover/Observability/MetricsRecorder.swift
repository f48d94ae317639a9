import CoreMetrics
import Locking

/// Reports the client's activity through swift-metrics, with a fixed set of dimensions.
///
/// | metric | type | dimensions |
/// |---|---|---|
/// | `failover_attempts_total` | counter | `node`, `outcome` (`success`, `failure`) |
/// | `failover_attempt_failures_total` | counter | `node`, `outcome` (`503`, `connectionRefused`, `tlsFailure`...) |
/// | `failover_attempt_duration_seconds` | timer (ns) | `node` |
/// | `failover_health_checks_total` | counter | `node`, `result` (`healthy`, `unhealthy`) |
/// | `failover_health_check_duration_seconds` | timer (ns) | `node` |
/// | `failover_node_up` | gauge (1 or 0) | `node` |
/// | `failover_switches_total` | counter | `reason` (`failover`, `manual`, `recovery`, `failback`, `disabled`, `removed`, `refresh`, `priority`) |
/// | `failover_hedges_total` | counter | `node` (the node the hedge went to) |
/// | `failover_ejections_total` | counter | `node`, `reason` (`failureRate`, `latency`) |
///
/// `node` is the node's index, so the label set stays bounded by the number of nodes.
struct MetricsRecorder: Sendable {
    private let factory: any MetricsFactory
    private let handles = Handles()
    /// The attempt instruments of the nodes configured at the start, made once and read without a lock.
    private let initialAttempts: [AttemptInstruments]

    /// Creates a recorder.
    ///
    /// - Parameters:
    ///   - factory: Where metrics go; the process-wide `MetricsSystem.factory` by default.
    ///   - nodeCount: The nodes known at the start: their attempt instruments are made at once (a
    ///     node added later gets its own at its first attempt).
    init(factory: any MetricsFactory = MetricsSystem.factory, nodeCount: Int = 0) {
        self.factory = factory
        initialAttempts = (0..<max(0, nodeCount)).map { AttemptInstruments(node: $0, factory: factory) }
    }

    func attempt(node: Int, success: Bool, latency: Duration?) {
        let instruments = initialAttempts.indices.contains(node)
            ? initialAttempts[node]
            : handles.attempts(node: node) { AttemptInstruments(node: node, factory: factory) }
        (success ? instruments.successes : instruments.failures).increment()
        if let latency { instruments.duration.recordNanoseconds(latency.nanoseconds) }
    }

    /// A failed attempt, by its outcome (`503`, `connectionRefused`...): bounded by the status codes
    /// and failure kinds. Off the path of successful requests.
    func failure(node: Int, outcome: String) {
        counter("failover_attempt_failures_total", [("node", "\(node)"), ("outcome", outcome)]).increment()
    }

    func healthCheck(node: Int, healthy: Bool, latency: Duration) {
        counter("failover_health_checks_total", [("node", "\(node)"), ("result", healthy ? "healthy" : "unhealthy")]).increment()
        timer("failover_health_check_duration_seconds", [("node", "\(node)")]).recordNanoseconds(latency.nanoseconds)
    }

    func hedged(to node: Int) {
        counter("failover_hedges_total", [("node", "\(node)")]).increment()
    }

    func ejected(_ node: Int, reason: EjectionReason) {
        counter("failover_ejections_total", [("node", "\(node)"), ("reason", reason.identifier)]).increment()
    }

    func nodeUp(_ node: Int, _ up: Bool) {
        Gauge(label: "failover_node_up", dimensions: [("node", "\(node)")], factory: factory).record(up ? 1 : 0)
    }

    func switched(reason: FailoverEvent.SwitchReason) {
        counter("failover_switches_total", [("reason", reason.rawValue)]).increment()
    }

    /// Metric objects are made once per label and dimensions, not on every request.
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        handles.counter(Handles.key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        handles.timer(Handles.key(label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }
}

/// The metrics of one node's attempts: on the path of every request, so made once per node and
/// found by the node's index, not by building label strings.
private struct AttemptInstruments: Sendable {
    let successes: Counter
    let failures: Counter
    let duration: Timer

    init(node: Int, factory: any MetricsFactory) {
        successes = Counter(label: "failover_attempts_total", dimensions: [("node", "\(node)"), ("outcome", "success")], factory: factory)
        failures = Counter(label: "failover_attempts_total", dimensions: [("node", "\(node)"), ("outcome", "failure")], factory: factory)
        duration = Timer(label: "failover_attempt_duration_seconds", dimensions: [("node", "\(node)")], factory: factory)
    }
}

/// The metric objects made so far, by label and dimensions.
private final class Handles: Sendable {
    private let counters = LockedValue<[String: Counter]>([:])
    private let timers = LockedValue<[String: Timer]>([:])
    private let attempts = LockedValue<[AttemptInstruments?]>([])

    func attempts(node: Int, make: () -> AttemptInstruments) -> AttemptInstruments {
        attempts.withLock { made in
            if node < made.count, let existing = made[node] { return existing }
            if node >= made.count { made.append(contentsOf: repeatElement(nil, count: node + 1 - made.count)) }
            let instruments = make()
            made[node] = instruments
            return instruments
        }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.reduce(label) { $0 + "|" + $1.0 + "=" + $1.1 }
    }

    func counter(_ key: String, make: () -> Counter) -> Counter {
        counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = make()
            counters[key] = made
            return made
        }
    }

    func timer(_ key: String, make: () -> Timer) -> Timer {
        timers.withLock { timers in
            if let existing = timers[key] { return existing }
            let made = make()
            timers[key] = made
            return made
        }
    }
}

extension Duration {
    /// This duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
