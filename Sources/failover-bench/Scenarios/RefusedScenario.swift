/// `refused`: the primary's port is closed (connections refused); the added latency of failing
/// over, over the healthy path, from the moment it closes.
struct RefusedScenario: Scenario {
    let name = "refused"
    var summary: String { BenchText.summaryRefused }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let settings = bench.settings
        let window = FaultWindow(
            rate: 500, healthy: settings.scaled(.seconds(2)), faulty: settings.scaled(.seconds(5), atLeast: .seconds(1)),
            fault: { await $0.kill() })
        let results = try await window.measureAll(in: bench)
        var report = ScenarioReport(name: name)
        FaultWindow.rows(results, into: &report, in: bench, p99Goal: BenchText.goalRefusedShort)
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }
        if let ours = results[.failover], let added = ours.added(99) {
            report.check(BenchText.goalRefused, measured: Format.added(added), met: added != .max && added < 1_000_000)
        } else {
            report.check(BenchText.goalRefused, measured: BenchText.cellFailed, met: nil)
        }
        FaultWindow.checkBetter(results, in: bench, into: &report)
        return report
    }
}
