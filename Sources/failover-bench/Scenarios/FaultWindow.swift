import Failover
import FailoverDemo
import OrderedJSON

/// The shape shared by `refused`, `error503` and `hang`: a steady load on a healthy cluster, then
/// the same load right after the primary is hurt, on a fresh client (and freshly started proxy)
/// that still believes the primary healthy, so the window includes the detection.
struct FaultWindow: Sendable {
    /// Requests per second (GET /api/stats).
    var rate: Double
    /// How long the healthy reference lasts.
    var healthy: Duration
    /// How long the load runs after the fault.
    var faulty: Duration
    /// Hurts the primary.
    var fault: @Sendable (DemoNode) async -> Void

    /// What one column measured.
    struct Measurement: Sendable {
        var healthy: [Sample]
        var faulty: [Sample]
        /// Requests the primary received during the fault window.
        var primaryAttempts: Int
        /// Requests all nodes received during the fault window.
        var nodeAttempts: Int

        var healthyStats: LatencyStats { LatencyStats(healthy.answerTimes) }
        var faultyStats: LatencyStats { LatencyStats(faulty.answerTimes) }

        /// Requests that failed or took longer than the healthy p99 plus 10 ms.
        var affected: Int {
            let limit = (healthyStats.p99 ?? 0) + 10_000_000
            return faulty.count { !$0.answer.succeeded || $0.latencyNs > limit }
        }

        func added(_ percent: Double) -> Int64? {
            guard let faulty = faultyStats.percentile(percent), let healthy = healthyStats.percentile(percent) else { return nil }
            return faulty == .max || healthy == .max ? .max : faulty - healthy
        }

        var json: JSONValue {
            .object([
                ("healthy", healthyStats.json),
                ("faulty", faultyStats.json),
                ("requests", .integer(faulty.count)),
                ("succeeded", .integer(faulty.successes)),
                ("failures", faulty.failureKinds),
                ("affected", .integer(affected)),
                ("p50AddedMs", .milliseconds(nanoseconds: added(50).flatMap { $0 == .max ? nil : $0 })),
                ("p99AddedMs", .milliseconds(nanoseconds: added(99).flatMap { $0 == .max ? nil : $0 })),
                ("primaryAttempts", .integer(primaryAttempts)),
                ("attemptsPerRequest", .decimal(faulty.isEmpty ? 0 : Double(nodeAttempts) / Double(faulty.count))),
            ])
        }
    }

    /// Measures one column; `nil` when its proxy is unavailable.
    func measure(
        _ column: Column, in bench: BenchEnvironment, hedgeDelay: Duration? = nil,
        stallDetection: FailoverClient.Configuration.StallDetection = .automatic
    ) async throws -> Measurement? {
        guard let driver = try await bench.prepare(column, hedgeDelay: hedgeDelay, stallDetection: stallDetection) else { return nil }
        let clock = ContinuousClock()
        let healthySamples = await OpenLoop(rate: rate, duration: healthy).run(driver: driver, origin: clock.now) { _ in .stats }
        let before = await bench.nodes[0].requestCount(path: BenchRequest.statsPath)
        let beforeAll = await bench.received(path: BenchRequest.statsPath)
        await fault(bench.nodes[0])
        let faultySamples = await OpenLoop(rate: rate, duration: faulty).run(driver: driver, origin: clock.now) { _ in .stats }
        let primary = await bench.nodes[0].requestCount(path: BenchRequest.statsPath) - before
        let all = await bench.received(path: BenchRequest.statsPath) - beforeAll
        await driver.shutdown()
        await bench.heal()
        return Measurement(healthy: healthySamples, faulty: faultySamples, primaryAttempts: primary, nodeAttempts: all)
    }

    /// Measures every column.
    func measureAll(in bench: BenchEnvironment) async throws -> [Column: Measurement] {
        var results: [Column: Measurement] = [:]
        for column in Column.allCases {
            results[column] = try await measure(column, in: bench)
        }
        return results
    }

    /// The common rows: success, latencies, added latencies, requests affected.
    static func rows(
        _ results: [Column: Measurement], into report: inout ScenarioReport, in bench: BenchEnvironment, label: String = "",
        p99Goal: String = ""
    ) {
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, results[column].map { .text(value($0)) } ?? bench.missingCell(column))
            })
        }
        report.add(label + BenchText.metricSuccess, cells { Format.share($0.faulty.successes, of: $0.faulty.count) })
        report.add(label + BenchText.metricHealthyLatency, cells { Format.durations($0.healthyStats.p50, $0.healthyStats.p99) })
        report.add(label + BenchText.metricFaultLatency, cells { Format.durations($0.faultyStats.p50, $0.faultyStats.p99, $0.faultyStats.max) })
        report.add(label + BenchText.metricAdded, cells { "\(Format.added($0.added(50))) / \(Format.added($0.added(99)))" }, goal: p99Goal)
        report.add(label + BenchText.metricAffected, cells { Format.count($0.affected) })
        report.add(label + BenchText.metricAttemptsPerRequest, cells {
            Format.decimal($0.faulty.isEmpty ? 0 : Double($0.nodeAttempts) / Double($0.faulty.count))
        })
    }

    /// Rows of a variant of the failover client (hedging, stall detection off): proxies n/a.
    static func variantRows(_ measurement: Measurement?, label: String, latencyGoal: String = "", into report: inout ScenarioReport) {
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            [.failover: measurement.map { .text(value($0)) } ?? .failed, .haproxy: .notApplicable, .nginx: .notApplicable]
        }
        report.add(label + BenchText.metricSuccess, cells { Format.share($0.faulty.successes, of: $0.faulty.count) })
        report.add(label + BenchText.metricFaultLatency, cells {
            Format.durations($0.faultyStats.p50, $0.faultyStats.p99, $0.faultyStats.max)
        }, goal: latencyGoal)
        report.add(label + BenchText.metricAffected, cells { Format.count($0.affected) })
    }

    /// Whether the failover column beats a proxy: a higher success rate, or the same and a p99
    /// lower by more than the noise of a shared 2-core machine (10 % and 100 us); a closer p99 is a tie.
    static func beats(_ ours: Measurement, _ theirs: Measurement) -> Bool {
        if ours.faulty.successes * theirs.faulty.count != theirs.faulty.successes * ours.faulty.count {
            return Double(ours.faulty.successes) / Double(max(1, ours.faulty.count))
                > Double(theirs.faulty.successes) / Double(max(1, theirs.faulty.count))
        }
        guard let ourP99 = ours.faultyStats.p99, let theirP99 = theirs.faultyStats.p99 else { return false }
        if ourP99 == .max { return false }
        if theirP99 == .max { return true }
        let margin = max(100_000, theirP99 / 10)
        return ourP99 < theirP99 - margin
    }

    /// The "better than HAProxy and nginx" check of a scenario.
    static func checkBetter(
        _ results: [Column: Measurement], ours: Measurement? = nil, goal: String = BenchText.goalBetterThanProxies,
        in bench: BenchEnvironment, into report: inout ScenarioReport
    ) {
        guard let ours = ours ?? results[.failover] else { return }
        func describe(_ measurement: Measurement) -> String {
            BenchText.successAndP99(
                Format.percent(measurement.faulty.successes, of: measurement.faulty.count), Format.duration(measurement.faultyStats.p99))
        }
        compareWithProxies(
            results, ours: ours, goal: goal, in: bench, into: &report, describe: describe, beats: { beats($0, $1) })
    }
}

/// The "better than each proxy" check every scenario with proxies makes: one comparison per proxy,
/// met when ours beats both, unknown when a proxy is missing.
func compareWithProxies<Measurement>(
    _ results: [Column: Measurement], ours: Measurement, goal: String, in bench: BenchEnvironment,
    into report: inout ScenarioReport, describe: (Measurement) -> String, beats: (Measurement, Measurement) -> Bool
) {
    var parts: [String] = []
    var met: Bool? = true
    for proxy in Column.proxies {
        guard let theirs = results[proxy] else {
            parts.append("\(BenchText.columnName(proxy)) \(bench.missingCell(proxy).rendered)")
            met = nil
            continue
        }
        parts.append(BenchText.comparison(proxy: BenchText.columnName(proxy), ours: describe(ours), theirs: describe(theirs)))
        if !beats(ours, theirs), met != nil { met = false }
    }
    report.check(goal, measured: parts.joined(separator: BenchText.separator), met: met)
}
