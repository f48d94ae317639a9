/// `hang`: the primary accepts connections and reads requests but never answers (health checks
/// included); the time to a successful answer, without hedging (the proxies wait for the 1 s
/// response timeout, the failover client's stall detection sends new requests elsewhere), with stall
/// detection off (for comparison), and with the failover client's hedging.
struct HangScenario: Scenario {
    let name = "hang"
    var summary: String { BenchText.summaryHang }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let settings = bench.settings
        let window = FaultWindow(
            rate: 100, healthy: settings.scaled(.seconds(1)), faulty: settings.scaled(.seconds(5), atLeast: .seconds(2)),
            fault: { await $0.setFault(.hangBeforeHeaders) })
        let results = try await window.measureAll(in: bench)
        var report = ScenarioReport(name: name)
        FaultWindow.rows(results, into: &report, in: bench)

        // The failover client without its stall detection: what the default buys (proxies: n/a).
        let stallOff = try await window.measure(.failover, in: bench, stallDetection: .off)
        FaultWindow.variantRows(stallOff, label: BenchText.stallOffLabel, into: &report)

        // The same with hedging: the failover client only (a proxy has no hedging).
        let hedgeDelay = BenchSettings.hedgeDelay
        let hedged = try await window.measure(.failover, in: bench, hedgeDelay: hedgeDelay)
        let goal = BenchText.goalHedgeShort(limit: Format.duration((hedgeDelay + .milliseconds(10)).nanosecondCount))
        FaultWindow.variantRows(
            hedged, label: BenchText.hedgedLabel(delay: Format.duration(hedgeDelay.nanosecondCount)), latencyGoal: goal, into: &report)

        var json = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }
        json.append(("failoverStallDetectionOff", stallOff?.json ?? .null))
        json.append(("failoverHedged", hedged?.json ?? .null))
        report.results = json

        let limit = (hedgeDelay + .milliseconds(10)).nanosecondCount
        if let hedged, let p99 = hedged.faultyStats.p99 {
            report.check(BenchText.goalHedge(limit: Format.duration(limit)), measured: "p99 \(Format.duration(p99))", met: p99 < limit)
        } else {
            report.check(BenchText.goalHedge(limit: Format.duration(limit)), measured: BenchText.cellFailed, met: nil)
        }
        FaultWindow.checkBetter(results, goal: BenchText.goalBetterWithoutHedging, in: bench, into: &report)
        if let hedged {
            FaultWindow.checkBetter(results, ours: hedged, goal: BenchText.goalBetterWithHedging, in: bench, into: &report)
        }
        return report
    }
}
