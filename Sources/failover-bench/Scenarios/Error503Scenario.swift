/// `error503`: the primary answers every request (health checks included) with 503; the added
/// latency and the failures, from the moment it starts.
struct Error503Scenario: Scenario {
    let name = "error503"
    var summary: String { BenchText.summaryError503 }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let settings = bench.settings
        let window = FaultWindow(
            rate: 500, healthy: settings.scaled(.seconds(2)), faulty: settings.scaled(.seconds(5), atLeast: .seconds(1)),
            fault: { await $0.setFault(.status(503)) })
        let results = try await window.measureAll(in: bench)
        var report = ScenarioReport(name: name)
        FaultWindow.rows(results, into: &report, in: bench)
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }
        return report
    }
}
