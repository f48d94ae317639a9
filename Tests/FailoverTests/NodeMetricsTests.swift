import Foundation
import Testing

@testable import Failover

/// Metrics fed by known histories of requests and checks.
@Suite("Node metrics and badges")
struct NodeMetricsTests {
    /// A fixed check date.
    let date = Date(timeIntervalSince1970: 1_700_000_000)

    /// Metrics after `successes` successful and `failures` failed checks, failures first.
    func checks(successes: Int, failures: Int) -> NodeMetrics {
        var metrics = NodeMetrics()
        for _ in 0..<failures { metrics.recordCheck(success: false, latency: nil, error: "timeout", at: date) }
        for _ in 0..<successes { metrics.recordCheck(success: true, latency: .milliseconds(10), error: nil, at: date) }
        return metrics
    }

    /// Adds `successes` successful and `failures` failed requests, failures first.
    func requests(_ metrics: inout NodeMetrics, successes: Int, failures: Int) {
        for _ in 0..<failures { metrics.recordRequest(success: false, latency: nil, error: "503") }
        for _ in 0..<successes { metrics.recordRequest(success: true, latency: .milliseconds(20), error: nil) }
    }

    /// Whether two durations are within a microsecond of each other.
    func close(_ lhs: Duration?, _ rhs: Duration) -> Bool {
        guard let lhs else { return false }
        return abs(NodeMetrics.seconds(lhs - rhs)) < 1e-6
    }

    @Test func newNodeIsUnknownWithNoRatios() {
        let snapshot = NodeMetrics().snapshot(isDisabled: false)
        #expect(snapshot.badge == .unknown)
        #expect(snapshot.uptime == nil)
        #expect(snapshot.errorRate == nil)
        #expect(snapshot.latencyEWMA == nil)
        #expect(snapshot.p50 == nil && snapshot.p95 == nil && snapshot.p99 == nil)
        #expect(snapshot.lastLatency == nil && snapshot.lastCheck == nil && snapshot.lastError == nil)
        #expect(snapshot.totalRequests == 0 && snapshot.checks == 0)
    }

    @Test func disabledBeatsEveryOtherBadge() {
        #expect(NodeMetrics().snapshot(isDisabled: true).badge == .disabled)
        #expect(checks(successes: 100, failures: 0).snapshot(isDisabled: true).badge == .disabled)
        var failing = NodeMetrics()
        requests(&failing, successes: 0, failures: 5)
        #expect(failing.snapshot(isDisabled: true).badge == .disabled)
    }

    @Test func uptimeBoundaryOf99PercentIsExcellent() {
        let exactly = checks(successes: 99, failures: 1).snapshot(isDisabled: false)
        #expect(exactly.uptime == 0.99)
        #expect(exactly.badge == .excellent)
        let below = checks(successes: 98, failures: 2).snapshot(isDisabled: false)
        #expect(below.badge == .healthy)
    }

    @Test func uptimeBoundaryOf95PercentIsHealthy() {
        let exactly = checks(successes: 95, failures: 5).snapshot(isDisabled: false)
        #expect(exactly.uptime == 0.95)
        #expect(exactly.badge == .healthy)
        let below = checks(successes: 94, failures: 6).snapshot(isDisabled: false)
        #expect(below.badge == .warning)
    }

    @Test func errorRateOf10PercentIsAWarning() {
        var atLimit = checks(successes: 96, failures: 4)
        requests(&atLimit, successes: 90, failures: 10)
        let snapshot = atLimit.snapshot(isDisabled: false)
        #expect(snapshot.errorRate == 0.10)
        #expect(snapshot.uptime == 0.96)
        #expect(snapshot.badge == .warning)

        var underLimit = checks(successes: 96, failures: 4)
        requests(&underLimit, successes: 91, failures: 9)
        #expect(underLimit.snapshot(isDisabled: false).badge == .healthy)
    }

    @Test func errorRateDoesNotSpoilExcellent() {
        var metrics = checks(successes: 100, failures: 0)
        requests(&metrics, successes: 50, failures: 50)
        #expect(metrics.snapshot(isDisabled: false).badge == .excellent)
    }

    @Test func criticalBeatsExcellent() {
        var metrics = checks(successes: 1_000, failures: 0)
        requests(&metrics, successes: 0, failures: 2)
        #expect(metrics.snapshot(isDisabled: false).badge == .excellent)
        metrics.recordCheck(success: false, latency: nil, error: "timeout", at: date)
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.consecutiveFailures == 3)
        #expect(snapshot.uptime! > 0.99)
        #expect(snapshot.badge == .critical)
    }

    @Test func anySuccessResetsConsecutiveFailures() {
        var metrics = NodeMetrics()
        requests(&metrics, successes: 0, failures: 4)
        #expect(metrics.snapshot(isDisabled: false).consecutiveFailures == 4)
        metrics.recordCheck(success: true, latency: nil, error: nil, at: date)
        #expect(metrics.snapshot(isDisabled: false).consecutiveFailures == 0)
        metrics.recordCheck(success: false, latency: nil, error: "timeout", at: date)
        metrics.recordRequest(success: true, latency: nil, error: nil)
        #expect(metrics.snapshot(isDisabled: false).consecutiveFailures == 0)
    }

    @Test func uptimeFallsBackToRequestsWithoutChecks() {
        var metrics = NodeMetrics()
        requests(&metrics, successes: 3, failures: 1)
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.checks == 0)
        #expect(snapshot.uptime == 0.75)
        #expect(snapshot.errorRate == 0.25)
        #expect(snapshot.badge == .warning)

        metrics.recordCheck(success: true, latency: nil, error: nil, at: date)
        #expect(metrics.snapshot(isDisabled: false).uptime == 1.0)
    }

    @Test func countersAndLastValues() {
        var metrics = NodeMetrics()
        metrics.recordRequest(success: false, latency: .milliseconds(40), error: "503")
        metrics.recordRequest(success: false, latency: nil, error: "connectionRefused")
        metrics.recordRequest(success: true, latency: .milliseconds(12), error: "ignored")
        metrics.recordCheck(success: false, latency: nil, error: nil, at: date)
        let later = date.addingTimeInterval(30)
        metrics.recordCheck(success: true, latency: .milliseconds(7), error: nil, at: later)
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.totalRequests == 3)
        #expect(snapshot.failedRequests == 2)
        #expect(snapshot.checks == 2)
        #expect(snapshot.successfulChecks == 1)
        #expect(snapshot.lastError == "connectionRefused")
        #expect(snapshot.lastCheck == later)
        #expect(snapshot.lastLatency == .milliseconds(7))
        #expect(snapshot.uptime == 0.5)
        // Only the successful latencies feed the window.
        #expect(metrics.latencies == [.milliseconds(12), .milliseconds(7)])
    }

    @Test func lastLatencyIncludesFailuresThatAnswered() {
        var metrics = NodeMetrics()
        metrics.recordRequest(success: true, latency: .milliseconds(10), error: nil)
        metrics.recordRequest(success: false, latency: .milliseconds(900), error: "503")
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.lastLatency == .milliseconds(900))
        #expect(snapshot.latencyEWMA == .milliseconds(10))
        #expect(snapshot.p99 == .milliseconds(10))
    }

    @Test func ewmaOfAKnownSequence() {
        var metrics = NodeMetrics()
        metrics.recordRequest(success: true, latency: .milliseconds(100), error: nil)
        #expect(close(metrics.snapshot(isDisabled: false).latencyEWMA, .milliseconds(100)))
        metrics.recordCheck(success: true, latency: .milliseconds(200), error: nil, at: date)
        // 0.3 * 200 + 0.7 * 100
        #expect(close(metrics.snapshot(isDisabled: false).latencyEWMA, .milliseconds(130)))
        metrics.recordRequest(success: true, latency: .milliseconds(50), error: nil)
        // 0.3 * 50 + 0.7 * 130
        #expect(close(metrics.snapshot(isDisabled: false).latencyEWMA, .milliseconds(106)))
        metrics.recordRequest(success: false, latency: .seconds(5), error: "timeout")
        #expect(close(metrics.snapshot(isDisabled: false).latencyEWMA, .milliseconds(106)))
    }

    @Test func percentilesOfOneToAHundredMilliseconds() {
        var metrics = NodeMetrics()
        for value in (1...100).reversed() {
            metrics.recordRequest(success: true, latency: .milliseconds(value), error: nil)
        }
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.p50 == .milliseconds(50))
        #expect(snapshot.p95 == .milliseconds(95))
        #expect(snapshot.p99 == .milliseconds(99))
    }

    @Test func nearestRankOfSmallSamples() {
        #expect(NodeMetrics.percentile(50, of: []) == nil)
        #expect(NodeMetrics.percentile(50, of: [.milliseconds(3)]) == .milliseconds(3))
        let two: [Duration] = [.milliseconds(1), .milliseconds(2)]
        #expect(NodeMetrics.percentile(50, of: two) == .milliseconds(1))
        #expect(NodeMetrics.percentile(95, of: two) == .milliseconds(2))
    }

    @Test func windowStaysBoundedAndKeepsTheLatest() {
        var metrics = NodeMetrics()
        for value in 1...100_000 {
            metrics.recordRequest(success: true, latency: .microseconds(value), error: nil)
        }
        #expect(metrics.latencies.count == 512)
        #expect(metrics.latencies.min() == .microseconds(100_000 - 511))
        #expect(metrics.latencies.max() == .microseconds(100_000))
        let snapshot = metrics.snapshot(isDisabled: false)
        // Nearest rank 256 of 99489...100000.
        #expect(snapshot.p50 == .microseconds(99_489 + 255))
        #expect(snapshot.totalRequests == 100_000)
    }

    @Test func smallWindowOverwritesTheOldest() {
        var metrics = NodeMetrics(window: 3)
        for value in [10, 20, 30, 40] {
            metrics.recordRequest(success: true, latency: .milliseconds(value), error: nil)
        }
        #expect(metrics.latencies.sorted() == [.milliseconds(20), .milliseconds(30), .milliseconds(40)])
        #expect(metrics.snapshot(isDisabled: false).p50 == .milliseconds(30))
    }

    @Test func resetClearsOnlyTheFailureMarks() {
        var metrics = NodeMetrics()
        metrics.recordRequest(success: true, latency: .milliseconds(5), error: nil)
        for _ in 0..<3 { metrics.recordRequest(success: false, latency: nil, error: "503") }
        #expect(metrics.snapshot(isDisabled: false).badge == .critical)
        metrics.reset()
        let snapshot = metrics.snapshot(isDisabled: false)
        #expect(snapshot.consecutiveFailures == 0)
        #expect(snapshot.totalRequests == 4)
        #expect(snapshot.failedRequests == 3)
        #expect(snapshot.lastError == "503")
        #expect(snapshot.badge == .warning)
    }

    @Test func badgeRawValuesAreTheSeedsLabelsAndEjected() {
        // The seeds' six badges, and EJECTED for a node out of rotation after outlier ejection.
        #expect(NodeBadge.allCases.map(\.rawValue) == ["EXCELLENT", "HEALTHY", "WARNING", "CRITICAL", "DISABLED", "UNKNOWN", "EJECTED"])
    }
}
