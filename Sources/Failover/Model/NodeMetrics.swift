public import Foundation

/// How a node is doing, at a glance (as the streaming seed's badges).
///
/// The node metrics compute it by the rules of ``NodeStatus/badge`` (EXCELLENT: uptime of 99 % or more; HEALTHY: 95 % or more with errors under 10 %; CRITICAL: 3 failures in a row or marked down). The raw values are stable identifiers for
/// renderers and metric labels, not text for the user.
public enum NodeBadge: String, Sendable, Hashable, Codable, CaseIterable {
    /// Uptime of at least 99%.
    case excellent = "EXCELLENT"
    /// Uptime of at least 95% and fewer than 10% failed requests.
    case healthy = "HEALTHY"
    /// Answering, but not well enough to be healthy.
    case warning = "WARNING"
    /// Three or more failures in a row.
    case critical = "CRITICAL"
    /// Taken out of service by hand.
    case disabled = "DISABLED"
    /// Never checked and never sent a request.
    case unknown = "UNKNOWN"
    /// Out of rotation for a while: it stood out from its level's peers (outlier ejection).
    case ejected = "EJECTED"
}

/// A snapshot of a node's metrics at one moment.
///
/// Ratios are between 0 and 1; a ratio or latency that has nothing to be computed from is `nil`.
public struct NodeMetricsSnapshot: Sendable, Hashable {
    /// Attempts sent to the node, all outcomes.
    public var totalRequests: Int
    /// Attempts on the node that failed.
    public var failedRequests: Int
    /// Failures in a row, of requests and health checks alike; any success resets it.
    public var consecutiveFailures: Int
    /// Health checks run against the node.
    public var checks: Int
    /// Health checks that found the node healthy.
    public var successfulChecks: Int
    /// Successful checks / checks; without checks, successful requests / requests; `nil` without either.
    public var uptime: Double?
    /// Failed requests / requests; `nil` before the first request.
    public var errorRate: Double?
    /// Exponentially weighted moving average (alpha 0.3) of the latencies of successes.
    public var latencyEWMA: Duration?
    /// Median latency of the recent successes (nearest rank).
    public var p50: Duration?
    /// 95th percentile latency of the recent successes (nearest rank).
    public var p95: Duration?
    /// 99th percentile latency of the recent successes (nearest rank).
    public var p99: Duration?
    /// The latency of the last request or check that reported one, whatever its outcome.
    public var lastLatency: Duration?
    /// When the last health check ran.
    public var lastCheck: Date?
    /// A stable identifier of the last failure (such as `connectionRefused` or `503`), set by the caller.
    public var lastError: String?
    /// The node at a glance.
    public var badge: NodeBadge
}

/// Per-node health metrics, fed by request attempts (passive) and health checks (active).
///
/// A pure value type: the owner records outcomes and asks for a ``NodeMetricsSnapshot``.
///
/// - Latencies of successes feed an EWMA (alpha 0.3; the first sample is taken as is) and a
///   fixed-size ring buffer of the last `window` samples, from which p50/p95/p99 are computed by
///   the nearest-rank method. Latencies of failures only update `lastLatency`.
/// - `consecutiveFailures` counts requests and checks alike and is reset by any success, or by
///   ``reset()``.
///
/// The badge is the first of these rules that applies:
///
/// | badge | when |
/// |---|---|
/// | `disabled` | the node is disabled |
/// | `unknown` | no checks and no requests yet |
/// | `critical` | `consecutiveFailures >= 3` |
/// | `excellent` | `uptime >= 0.99` |
/// | `healthy` | `uptime >= 0.95` and `errorRate < 0.10` (no requests counts as 0) |
/// | `warning` | otherwise |
struct NodeMetrics: Sendable {
    /// The weight of a new latency in the EWMA.
    static let alpha = 0.3
    /// Consecutive failures from which a node is `critical`.
    static let criticalFailures = 3

    /// Attempts sent to the node.
    private(set) var totalRequests = 0
    /// Attempts that failed.
    private(set) var failedRequests = 0
    /// Failures in a row, requests and checks alike.
    private(set) var consecutiveFailures = 0
    /// Health checks run.
    private(set) var checks = 0
    /// Health checks that succeeded.
    private(set) var successfulChecks = 0
    /// The EWMA of successful latencies, in seconds.
    private var ewmaSeconds: Double?
    /// The latest latency reported, any outcome.
    private var lastLatency: Duration?
    /// When the last check ran.
    private var lastCheck: Date?
    /// The identifier of the last failure.
    private var lastError: String?
    /// The latency ring buffer: grows to `window` samples, then is overwritten in place.
    private(set) var latencies: [Duration] = []
    /// The slot the next latency overwrites once the buffer is full.
    private var nextSlot = 0
    /// The most latencies kept for percentiles.
    let window: Int
    /// Latencies recorded since ``refreshedTail()`` last computed a p99.
    private var latenciesSinceTail = 0

    /// Creates empty metrics.
    ///
    /// - Parameter window: How many recent latencies the percentiles are computed over (at least 1).
    init(window: Int = 512) {
        precondition(window > 0, "the latency window holds at least one sample")
        self.window = window
        latencies.reserveCapacity(window)
    }

    /// Records the outcome of one request attempt (a passive signal).
    ///
    /// - Parameters:
    ///   - success: Whether the attempt succeeded.
    ///   - latency: How long it took, if it got that far.
    ///   - error: A stable identifier of the failure; ignored on success.
    mutating func recordRequest(success: Bool, latency: Duration?, error: String?) {
        totalRequests += 1
        if !success { failedRequests += 1 }
        record(success: success, latency: latency, error: error)
    }

    /// Records the outcome of one health check (an active signal).
    ///
    /// - Parameters:
    ///   - success: Whether the check found the node healthy.
    ///   - latency: How long it took, if it got that far.
    ///   - error: A stable identifier of the failure; ignored on success.
    ///   - date: When the check ran.
    mutating func recordCheck(success: Bool, latency: Duration?, error: String?, at date: Date) {
        checks += 1
        if success { successfulChecks += 1 }
        lastCheck = date
        record(success: success, latency: latency, error: error)
    }

    /// Clears the consecutive failures ("reset failure marks"); every counter stays.
    mutating func reset() {
        consecutiveFailures = 0
    }

    /// The metrics now.
    ///
    /// - Parameter isDisabled: Whether the node is taken out of service (its badge is then `disabled`).
    /// - Returns: The snapshot, with its badge.
    func snapshot(isDisabled: Bool) -> NodeMetricsSnapshot {
        let uptime = self.uptime
        let errorRate = self.errorRate
        let sorted = latencies.sorted()
        return NodeMetricsSnapshot(
            totalRequests: totalRequests,
            failedRequests: failedRequests,
            consecutiveFailures: consecutiveFailures,
            checks: checks,
            successfulChecks: successfulChecks,
            uptime: uptime,
            errorRate: errorRate,
            latencyEWMA: ewmaSeconds.map { Duration.seconds($0) },
            p50: Self.percentile(50, of: sorted),
            p95: Self.percentile(95, of: sorted),
            p99: Self.percentile(99, of: sorted),
            lastLatency: lastLatency,
            lastCheck: lastCheck,
            lastError: lastError,
            badge: badge(isDisabled: isDisabled, uptime: uptime, errorRate: errorRate)
        )
    }

    /// Successful checks / checks, else successful requests / requests, else `nil`.
    var uptime: Double? {
        if checks > 0 { return Double(successfulChecks) / Double(checks) }
        if totalRequests > 0 { return Double(totalRequests - failedRequests) / Double(totalRequests) }
        return nil
    }

    /// Failed requests / requests, `nil` before the first request.
    var errorRate: Double? {
        totalRequests > 0 ? Double(failedRequests) / Double(totalRequests) : nil
    }

    /// The badge by the rules in the type's documentation, first that applies.
    private func badge(isDisabled: Bool, uptime: Double?, errorRate: Double?) -> NodeBadge {
        if isDisabled { return .disabled }
        guard let uptime else { return .unknown }  // nil exactly when there are no checks and no requests
        if consecutiveFailures >= Self.criticalFailures { return .critical }
        if uptime >= 0.99 { return .excellent }
        if uptime >= 0.95 && (errorRate ?? 0) < 0.10 { return .healthy }
        return .warning
    }

    /// Updates what requests and checks share: failures in a row, latencies, the last error.
    private mutating func record(success: Bool, latency: Duration?, error: String?) {
        if let latency { lastLatency = latency }
        if success {
            consecutiveFailures = 0
            if let latency { addSuccessfulLatency(latency) }
        } else {
            consecutiveFailures += 1
            if let error { lastError = error }
        }
    }

    /// Feeds a successful latency to the EWMA and the ring buffer.
    private mutating func addSuccessfulLatency(_ latency: Duration) {
        let seconds = Self.seconds(latency)
        ewmaSeconds = ewmaSeconds.map { Self.alpha * seconds + (1 - Self.alpha) * $0 } ?? seconds
        if latencies.count < window {
            latencies.append(latency)
        } else {
            latencies[nextSlot] = latency
        }
        nextSlot = (nextSlot + 1) % window
        latenciesSinceTail += 1
    }

    /// The recent p99 latency when it is due for a refresh (for the automatic stall threshold): after
    /// every new latency while the window holds at most 32, then every 64 new latencies.
    mutating func refreshedTail() -> Duration? {
        guard latenciesSinceTail > 0, latencies.count <= 32 || latenciesSinceTail >= 64 else { return nil }
        latenciesSinceTail = 0
        return Self.upperPercentile(99, of: latencies)
    }

    /// The nearest-rank percentile of unsorted samples, for a percentile near the top: one pass that
    /// keeps the few largest samples (six of 512 for the p99), instead of sorting them all.
    static func upperPercentile(_ percent: Int, of samples: [Duration]) -> Duration? {
        guard !samples.isEmpty else { return nil }
        let rank = min(max((percent * samples.count + 99) / 100, 1), samples.count)
        let keep = samples.count - rank + 1  // the answer is the smallest of the `keep` largest
        var largest: [Duration] = []  // ascending
        largest.reserveCapacity(keep)
        for sample in samples {
            if largest.count == keep {
                guard sample > largest[0] else { continue }
                largest.removeFirst()
            }
            let slot = largest.firstIndex { $0 >= sample } ?? largest.count
            largest.insert(sample, at: slot)
        }
        return largest[0]
    }

    /// The nearest-rank percentile of sorted samples: the sample at rank ceil(p/100 * n), `nil` when empty.
    ///
    /// - Parameters:
    ///   - percent: The percentile, 1...100.
    ///   - sorted: The samples in ascending order.
    static func percentile(_ percent: Int, of sorted: [Duration]) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// A duration in seconds, as a `Double`.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
