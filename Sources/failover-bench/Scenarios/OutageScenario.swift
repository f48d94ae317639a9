import OrderedJSON
/// `outage`: every node answers 503 (health checks included) for 10 s under a steady offered load;
/// attempts per request over time, counted where they land (on the nodes), so the retry budget of
/// the failover client and the proxies' own retries are counted the same way.
struct OutageScenario: Scenario {
    let name = "outage"
    var summary: String { BenchText.summaryOutage }
    static let rate = 200.0

    struct Measurement: Sendable {
        /// Per second of the outage: requests sent, attempts the nodes received.
        var sentPerSecond: [Int]
        var attemptsPerSecond: [Int]
        /// After the first second: requests sent and attempts received (answers drained).
        var sentAfterFirst: Int
        var attemptsAfterFirst: Int
        /// The failover client's own count of attempts of the requests sent after the first second.
        var clientAttemptsAfterFirst: Int?
        var succeeded: Int
        var requests: Int
        var failures: JSONValue

        var ratioAfterFirst: Double { sentAfterFirst > 0 ? Double(attemptsAfterFirst) / Double(sentAfterFirst) : 0 }
        var ratioFirst: Double {
            guard let sent = sentPerSecond.first, sent > 0 else { return 0 }
            return Double(attemptsPerSecond.first ?? 0) / Double(sent)
        }
        var clientRatioAfterFirst: Double? {
            clientAttemptsAfterFirst.map { sentAfterFirst > 0 ? Double($0) / Double(sentAfterFirst) : 0 }
        }

        var json: JSONValue {
            .object([
                ("requests", .integer(requests)), ("succeeded", .integer(succeeded)), ("failures", failures),
                ("sentPerSecond", .array(sentPerSecond.map { .integer($0) })),
                ("attemptsPerSecond", .array(attemptsPerSecond.map { .integer($0) })),
                ("attemptsPerRequestPerSecond", .array(zip(attemptsPerSecond, sentPerSecond).map { .decimal($1 > 0 ? Double($0) / Double($1) : 0) })),
                ("attemptsPerRequestFirstSecond", .decimal(ratioFirst)),
                ("attemptsPerRequestAfterFirstSecond", .decimal(ratioAfterFirst)),
                ("clientAttemptsPerRequestAfterFirstSecond", .decimal(clientRatioAfterFirst)),
            ])
        }
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let duration = bench.settings.scaled(.seconds(10), atLeast: .seconds(2))
        var results: [Column: Measurement] = [:]
        for column in Column.allCases {
            results[column] = try await measure(column, duration: duration, in: bench)
        }
        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String?) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, results[column].map { value($0).map { .text($0) } ?? .notApplicable } ?? bench.missingCell(column))
            })
        }
        report.add(BenchText.metricOutageFirst, cells { Format.decimal($0.ratioFirst) })
        report.add(BenchText.metricOutageAfter, cells { Format.decimal($0.ratioAfterFirst, 3) })
        report.add(BenchText.metricOutageClient, cells { $0.clientRatioAfterFirst.map { Format.decimal($0, 3) } }, goal: "<= " + Format.decimal(1.2, 1))
        report.add(BenchText.metricOutageSeries, cells { measurement in
            zip(measurement.attemptsPerSecond, measurement.sentPerSecond).map { Format.decimal($1 > 0 ? Double($0) / Double($1) : 0, 1) }
                .joined(separator: " ")
        })
        report.add(BenchText.metricSuccess, cells { Format.share($0.succeeded, of: $0.requests) })
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }
        if let ours = results[.failover] {
            // Judged on the client's own count of the attempts of each request sent after the first
            // second; the nodes' count of the same window also catches the last retries of
            // requests sent just before it.
            let ratio = ours.clientRatioAfterFirst ?? ours.ratioAfterFirst
            report.check(
                BenchText.goalOutage,
                measured: BenchText.outageMeasured(client: Format.decimal(ratio, 3), nodes: Format.decimal(ours.ratioAfterFirst, 3)),
                met: (ratio * 1_000).rounded() <= 1_200)
        } else {
            report.check(BenchText.goalOutage, measured: BenchText.cellFailed, met: nil)
        }
        return report
    }

    private func measure(_ column: Column, duration: Duration, in bench: BenchEnvironment) async throws -> Measurement? {
        guard let driver = try await bench.prepare(column) else { return nil }
        let seconds = max(1, Int(duration.secondCount.rounded(.up)))
        let clock = ContinuousClock()
        for node in bench.nodes { await node.setFault(.status(503)) }
        let origin = clock.now
        let start = await bench.received(path: BenchRequest.statsPath)
        // The nodes' counter at every whole second of the outage.
        async let marks = Self.counterMarks(of: bench, from: origin, seconds: seconds)
        let samples = await OpenLoop(rate: Self.rate, duration: duration).run(driver: driver, origin: origin) { _ in .stats }
        let perSecondMarks = await marks
        try? await Task.sleep(for: .milliseconds(200))
        let end = await bench.received(path: BenchRequest.statsPath)
        await driver.shutdown()
        await bench.heal()

        var sent = Array(repeating: 0, count: seconds)
        for sample in samples {
            sent[min(seconds - 1, Int(sample.startNs / 1_000_000_000))] += 1
        }
        var attempts: [Int] = []
        var previous = start
        for mark in perSecondMarks {
            attempts.append(mark - previous)
            previous = mark
        }
        let later = samples.filter { $0.startNs >= 1_000_000_000 }
        return Measurement(
            sentPerSecond: sent, attemptsPerSecond: attempts, sentAfterFirst: later.count,
            attemptsAfterFirst: end - (perSecondMarks.first ?? start),
            clientAttemptsAfterFirst: column == .failover ? later.reduce(0) { $0 + $1.answer.attempts } : nil,
            succeeded: samples.successes, requests: samples.count, failures: samples.failureKinds)
    }

    /// The nodes' request counter at every whole second after `origin`.
    private static func counterMarks(of bench: BenchEnvironment, from origin: ContinuousClock.Instant, seconds: Int) async -> [Int] {
        var marks: [Int] = []
        for second in 1...seconds {
            try? await Task.sleep(until: origin + .seconds(second), clock: .continuous)
            marks.append(await bench.received(path: BenchRequest.statsPath))
        }
        return marks
    }
}
