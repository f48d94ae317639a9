import OrderedJSON
/// `overhead`: requests per second and latency through the failover client against a plain
/// AsyncHTTPClient to the same healthy node, at the same concurrency (1 and 64); the proxy columns
/// are a plain client through the proxy, against the same baseline.
///
/// Each column runs the same number of requests in ten rounds, the columns taking turns in a
/// rotating order. A column's ratio to the baseline is the median of its rounds' ratios, each round
/// against the baseline's run of the same round: on a shared machine the speed drifts by more than
/// the differences measured, and a pair run side by side sees the same drift.
struct OverheadScenario: Scenario {
    let name = "overhead"
    var summary: String { BenchText.summaryOverhead }
    static let concurrencies = [1, 64]
    static let rounds = PairedRounds.defaultRounds

    /// One contestant: the baseline or a column.
    private enum Contestant: Hashable {
        case direct
        case column(Column)
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        await bench.heal()
        await bench.proxies.start()
        // The baseline and the proxies' clients have the transport's idle read timeout, as the
        // failover client's transport does (BENCHMARKS.md, "What each number means").
        let readTimeout = BenchSettings.requestTimeout
        var drivers: [Contestant: any RequestDriver] = [.direct: PlainDriver(baseURL: bench.urls[0], readTimeout: readTimeout)]
        drivers[.column(.failover)] = FailoverDriver(configuration: try bench.settings.failoverConfiguration(urls: bench.urls))
        for proxy in Column.proxies {
            if case .running = bench.proxies.state(of: proxy) {
                drivers[.column(proxy)] = PlainDriver(baseURL: bench.proxies.baseURL(of: proxy), readTimeout: readTimeout)
            }
        }
        let order: [Contestant] = [.direct] + Column.allCases.map { .column($0) }.filter { drivers[$0] != nil }

        var report = ScenarioReport(name: name)
        var json: [(String, JSONValue)] = []
        for concurrency in Self.concurrencies {
            let total = bench.settings.overheadRequests ?? bench.settings.scaled(concurrency == 1 ? 30_000 : 90_000, atLeast: 1_000)
            let measured = await PairedRounds(rounds: Self.rounds).measure(drivers, order: order, concurrency: concurrency, total: total)
            addRows(concurrency: concurrency, measured: measured, into: &report, in: bench)
            json.append(("c\(concurrency)", .object(order.map { contestant in
                let key = switch contestant {
                case .direct: "plainDirect"
                case .column(let column): column.rawValue
                }
                let baseline = contestant == .direct ? nil : measured[.direct]
                return (key, measured[contestant]?.json(baseline: baseline) ?? .null)
            })))
        }
        for driver in drivers.values { await driver.shutdown() }
        await bench.proxies.stop()
        report.results = json
        return report
    }

    private func addRows(concurrency: Int, measured: [Contestant: PairedRounds.Measurement], into report: inout ScenarioReport, in bench: BenchEnvironment) {
        guard let direct = measured[.direct] else { return }
        func cells(_ value: (PairedRounds.Measurement) -> String) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, measured[.column(column)].map { .text(value($0)) } ?? bench.missingCell(column))
            })
        }
        let ratio = { (measurement: PairedRounds.Measurement) in measurement.ratio(to: direct) }
        let added = { (measurement: PairedRounds.Measurement) -> Int64? in
            guard let ours = measurement.latencies.p50, let theirs = direct.latencies.p50 else { return nil }
            return ours - theirs
        }
        report.add(
            BenchText.metricThroughput(concurrency: concurrency, direct: Format.rate(direct.throughput)),
            cells { "\(Format.rate($0.throughput)) (\(Format.ratio(ratio($0))))" }, goal: ">= " + Format.ratio(0.95))
        report.add(
            BenchText.metricLatency(concurrency: concurrency, direct: Format.durations(direct.latencies.p50, direct.latencies.p99)),
            cells { Format.durations($0.latencies.p50, $0.latencies.p99) })
        report.add(BenchText.metricP50Added(concurrency: concurrency), cells { Format.added(added($0)) }, goal: "< 25 us")
        if let ours = measured[.column(.failover)] {
            let spread = ours.roundRatios(to: direct)
            report.check(
                BenchText.goalThroughput(concurrency: concurrency),
                measured: BenchText.measuredRatio(
                    Format.ratio(ratio(ours)), low: Format.ratio(spread.min() ?? 0), high: Format.ratio(spread.max() ?? 0),
                    ours: Format.rate(ours.throughput), direct: Format.rate(direct.throughput)),
                met: ratio(ours) >= 0.95)
            let p50 = added(ours)
            report.check(BenchText.goalP50Added(concurrency: concurrency), measured: Format.added(p50), met: p50.map { $0 < 25_000 })
        }
    }
}
