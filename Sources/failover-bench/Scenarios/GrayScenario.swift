import Failover
import OrderedJSON

/// `gray`: a gray failure on node 0 of three nodes in one level, at a steady 200 requests per
/// second: first no fault (the cluster's own p99), then 100 ms added to every answer of node 0,
/// then node 0 answering 20 % of its requests with 500 after 50 ms. The failover client under
/// `failover`, `round_robin`, `ewma` with and without hedging; HAProxy `balance leastconn` with
/// `observe layer7`, nginx `least_conn` with `max_fails` (500s counting).
struct GrayScenario: Scenario {
    let name = "gray"
    var summary: String { BenchText.summaryGray }
    static let rate = 200.0
    /// ewma's p99 under the gray failure must stay within this factor of its own p99 without it.
    static let goalFactor = 1.5

    struct Measurement: Sendable {
        var healthy: [Sample]
        var slow: [Sample]
        var flaky: [Sample]

        var gray: [Sample] { slow + flaky }
        var healthyStats: LatencyStats { LatencyStats(healthy.answerTimes) }
        var grayStats: LatencyStats { LatencyStats(gray.answerTimes) }
        var failed: Int { gray.count { !$0.answer.succeeded } }

        var json: JSONValue {
            .object([
                ("healthy", healthyStats.json), ("slow", LatencyStats(slow.answerTimes).json), ("flaky", LatencyStats(flaky.answerTimes).json),
                ("gray", grayStats.json), ("requests", .integer(gray.count)), ("failed", .integer(failed)), ("failures", gray.failureKinds),
            ])
        }
    }

    private struct Variant: Sendable {
        var key: String
        var label: String
        var policy: LoadBalancing
        var hedge: Duration?
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let variants = [
            Variant(key: "failover", label: BenchText.labelled("failover", ""), policy: .failover, hedge: nil),
            Variant(key: "roundRobin", label: BenchText.labelled("round_robin", ""), policy: .roundRobin, hedge: nil),
            Variant(key: "ewma", label: BenchText.labelled("ewma", ""), policy: .ewma, hedge: nil),
            Variant(
                key: "ewmaHedged", label: "ewma " + BenchText.hedgedLabel(delay: Format.duration(BenchSettings.hedgeDelay.nanosecondCount)),
                policy: .ewma, hedge: BenchSettings.hedgeDelay),
        ]
        var ours: [String: Measurement] = [:]
        for variant in variants {
            guard let driver = try await bench.prepare(.failover, hedgeDelay: variant.hedge, loadBalancing: variant.policy) else { continue }
            ours[variant.key] = await measure(driver, in: bench)
        }
        var results: [Column: Measurement] = [:]
        results[.failover] = ours["ewma"]
        for proxy in Column.proxies {
            guard let driver = try await bench.prepare(proxy, proxyBalance: .leastConnections, observe: true) else { continue }
            results[proxy] = await measure(driver, in: bench)
        }
        await bench.proxies.stop()

        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0, results[$0].map { .text(value($0)) } ?? bench.missingCell($0)) })
        }
        let ewmaLabel = BenchText.labelled("ewma", "")
        report.add(ewmaLabel + BenchText.metricNoFaultLatency, cells { Format.durations($0.healthyStats.p50, $0.healthyStats.p99) })
        report.add(ewmaLabel + BenchText.metricGrayLatency, cells {
            Format.durations($0.grayStats.p50, $0.grayStats.p99, $0.grayStats.percentile(99.9))
        })
        report.add(ewmaLabel + BenchText.metricFailedRequests, cells { Format.share($0.failed, of: $0.gray.count) })
        for variant in variants where variant.key != "ewma" {
            let measurement = ours[variant.key]
            func variantCells(_ value: (Measurement) -> String) -> [Column: Cell] {
                [.failover: measurement.map { .text(value($0)) } ?? .failed, .haproxy: .notApplicable, .nginx: .notApplicable]
            }
            let label = variant.label
            report.add(label + BenchText.metricNoFaultLatency, variantCells { Format.durations($0.healthyStats.p50, $0.healthyStats.p99) })
            report.add(label + BenchText.metricGrayLatency, variantCells {
                Format.durations($0.grayStats.p50, $0.grayStats.p99, $0.grayStats.percentile(99.9))
            })
            report.add(label + BenchText.metricFailedRequests, variantCells { Format.share($0.failed, of: $0.gray.count) })
        }

        if let ewma = ours["ewma"], let gray = ewma.grayStats.p99, let healthy = ewma.healthyStats.p99 {
            let limit = Int64(Double(healthy) * Self.goalFactor)
            report.check(
                BenchText.goalGrayWithin(factor: Format.decimal(Self.goalFactor)),
                measured: BenchText.grayMeasured(gray: Format.duration(gray), healthy: Format.duration(healthy), limit: Format.duration(limit)),
                met: gray != .max && gray <= limit)
        } else {
            report.check(BenchText.goalGrayWithin(factor: Format.decimal(Self.goalFactor)), measured: BenchText.cellFailed, met: nil)
        }
        if let ewma = ours["ewma"] {
            compareWithProxies(
                results, ours: ewma, goal: BenchText.goalGrayBetter, in: bench, into: &report,
                describe: { BenchText.successAndP99(Format.percent($0.gray.count - $0.failed, of: $0.gray.count), Format.duration($0.grayStats.p99)) },
                beats: { Self.beats($0, $1) })
        }
        report.results = variants.map { ($0.key, ours[$0.key]?.json ?? .null) }
            + Column.proxies.map { ($0.rawValue, results[$0]?.json ?? .null) }
        return report
    }

    /// No fault, then node 0 slow, then node 0 flaky, on one client; then the nodes healed.
    private func measure(_ driver: any RequestDriver, in bench: BenchEnvironment) async -> Measurement {
        let settings = bench.settings
        let clock = ContinuousClock()
        let origin = clock.now
        let healthy = await OpenLoop(rate: Self.rate, duration: settings.scaled(.seconds(10), atLeast: .seconds(1)))
            .run(driver: driver, origin: origin) { _ in .stats }
        await bench.nodes[0].setFault(.delay(.milliseconds(100)))
        let slow = await OpenLoop(rate: Self.rate, duration: settings.scaled(.seconds(20), atLeast: .seconds(2)))
            .run(driver: driver, origin: origin) { _ in .stats }
        await bench.nodes[0].setFault(.flaky(status: 500, ratio: 0.2, delay: .milliseconds(50)))
        let flaky = await OpenLoop(rate: Self.rate, duration: settings.scaled(.seconds(20), atLeast: .seconds(2)))
            .run(driver: driver, origin: origin) { _ in .stats }
        await driver.shutdown()
        await bench.heal()
        return Measurement(healthy: healthy, slow: slow, flaky: flaky)
    }

    /// Better: fewer failed requests, or as many and a p99 lower by more than the noise (10 % and 100 us).
    static func beats(_ ours: Measurement, _ theirs: Measurement) -> Bool {
        let ourRate = Double(ours.failed) / Double(max(1, ours.gray.count))
        let theirRate = Double(theirs.failed) / Double(max(1, theirs.gray.count))
        if ourRate != theirRate { return ourRate < theirRate }
        guard let our = ours.grayStats.p99, let their = theirs.grayStats.p99, our != .max else { return false }
        if their == .max { return true }
        return our < their - max(100_000, their / 10)
    }
}
