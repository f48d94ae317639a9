import Foundation
import OrderedJSON

/// Runs the chosen scenarios against the nodes and proxies, then prints the table and the targets
/// and writes the JSON file.
struct BenchRunner {
    var settings: BenchSettings
    var scenarios: [any Scenario]
    var jsonPath: String?

    /// Runs everything; returns whether every scenario ran to its end.
    func run() async throws -> Bool {
        let machine = Machine.current()
        let started = Date()
        progress(BenchText.startingNodes)
        let bench = try await BenchEnvironment.start(settings: settings)
        if !settings.skipProxies {
            progress(BenchText.startingProxies)
            await bench.proxies.start()
            await bench.proxies.stop()
        }
        progress(BenchText.nodes(bench.urls))
        for proxy in Column.proxies {
            progress(BenchText.labelled(BenchText.columnName(proxy), describe(bench.proxies.state(of: proxy), url: bench.proxies.baseURL(of: proxy))))
        }

        var reports: [ScenarioReport] = []
        var complete = true
        for scenario in scenarios {
            progress(BenchText.running(scenario.name, scenario.summary))
            let clock = ContinuousClock()
            let start = clock.now
            do {
                var report = try await scenario.run(in: bench)
                report.seconds = start.duration(to: clock.now).secondCount
                reports.append(report)
                progress(BenchText.finished(scenario.name, seconds: Format.decimal(report.seconds, 1)))
            } catch {
                complete = false
                progress(BenchText.scenarioFailed(scenario.name, String(describing: error)))
                var report = ScenarioReport(name: scenario.name)
                report.add(BenchText.cellFailed, Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0, Cell.failed) }))
                report.results = [("error", .string(String(describing: error)))]
                reports.append(report)
            }
        }
        await bench.shutdown()

        if let jsonPath {
            let document = JSONValue.object([
                ("tool", .string("failover-bench")),
                ("date", .string(ISO8601DateFormatter().string(from: started))),
                ("machine", machine.json),
                ("settings", settings.json),
                ("nodes", .array(bench.urls.map { .string($0) })),
                ("proxies", bench.proxies.json),
                ("scenarios", .array(reports.map(\.json))),
                ("targets", .array(reports.flatMap(\.checks).map(\.json))),
            ])
            do {
                try (document.pretty() + "\n").write(toFile: jsonPath, atomically: true, encoding: .utf8)
                progress(BenchText.jsonWritten(jsonPath))
            } catch {
                progress(BenchText.jsonFailed(jsonPath, String(describing: error)))
                complete = false
            }
        }
        let printer = TablePrinter(headers: Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
            (column, column == .failover ? BenchText.columnName(column) : bench.proxies.header(of: column))
        }))
        var lines = [BenchText.title(ISO8601DateFormatter().string(from: started)), machine.summary]
        lines.append(BenchText.nodes(bench.urls))
        lines.append("")
        lines.append(printer.render(reports.flatMap(\.rows)))
        let checks = reports.flatMap(\.checks)
        if !checks.isEmpty {
            lines.append("")
            lines.append(BenchText.targetsTitle)
            lines.append(printer.renderChecks(checks))
        }
        print(lines.joined(separator: "\n"))

        return complete
    }

    private func describe(_ state: ProxyState, url: String) -> String {
        switch state {
        case .running, .stopped: BenchText.proxyAvailable(url)
        case .unavailable(let reason): BenchText.proxyUnavailable(reason)
        case .skipped: BenchText.proxySkipped
        }
    }

    /// A progress line on standard error (the table goes to standard output).
    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
