import Failover
import FailoverDemo
import OrderedJSON

/// `chaos`: three nodes, one of them killed or revived every 500 ms (never all down), under
/// concurrent GETs and POSTs carrying an `Idempotency-Key`; the GET success rate, and from the
/// nodes' shared ledger every POST applied twice or never.
struct ChaosScenario: Scenario {
    let name = "chaos"
    var summary: String { BenchText.summaryChaos }
    /// Requests per second, half GETs, half POSTs.
    static let rate = 400.0
    static let period = Duration.milliseconds(500)

    struct Measurement: Sendable {
        var gets = 0
        var getSuccesses = 0
        var posts = 0
        var postsAcknowledged = 0
        var appliedTwice = 0
        var neverApplied = 0
        var failedButApplied = 0
        var kills = 0
        var revivals = 0
        var failures: JSONValue = .null

        var json: JSONValue {
            .object([
                ("gets", .integer(gets)), ("getSuccesses", .integer(getSuccesses)), ("posts", .integer(posts)),
                ("postsAcknowledged", .integer(postsAcknowledged)), ("appliedTwice", .integer(appliedTwice)),
                ("neverApplied", .integer(neverApplied)), ("failedButApplied", .integer(failedButApplied)),
                ("kills", .integer(kills)), ("revivals", .integer(revivals)), ("failures", failures),
            ])
        }

        /// Fewer failed GETs, lost and duplicated POSTs than `other`, and no more of any.
        func beats(_ other: Measurement) -> Bool {
            let ours = [gets - getSuccesses, neverApplied, appliedTwice]
            let theirs = [other.gets - other.getSuccesses, other.neverApplied, other.appliedTwice]
            return zip(ours, theirs).allSatisfy { $0 <= $1 } && ours != theirs
        }
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let duration = bench.settings.scaled(.seconds(30), atLeast: .seconds(2))
        var results: [Column: Measurement] = [:]
        for column in Column.allCases {
            results[column] = try await measure(column, duration: duration, in: bench)
        }
        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, results[column].map { .text(value($0)) } ?? bench.missingCell(column))
            })
        }
        report.add(BenchText.metricGetSuccess, cells { Format.share($0.getSuccesses, of: $0.gets) }, goal: Format.percent(whole: 100))
        report.add(BenchText.metricPostAcknowledged, cells { Format.share($0.postsAcknowledged, of: $0.posts) })
        report.add(BenchText.metricAppliedTwice, cells { Format.count($0.appliedTwice) }, goal: "0")
        report.add(BenchText.metricNeverApplied, cells { Format.count($0.neverApplied) }, goal: "0")
        report.add(BenchText.metricFailedButApplied, cells { Format.count($0.failedButApplied) })
        report.add(BenchText.metricKillsRevivals, cells { "\($0.kills) / \($0.revivals)" })
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }

        if let ours = results[.failover] {
            report.check(BenchText.goalChaosGets, measured: Format.percent(ours.getSuccesses, of: ours.gets), met: ours.getSuccesses == ours.gets && ours.gets > 0)
            report.check(BenchText.goalChaosTwice, measured: Format.count(ours.appliedTwice), met: ours.appliedTwice == 0)
            report.check(BenchText.goalChaosLost, measured: Format.count(ours.neverApplied), met: ours.neverApplied == 0)
            compareWithProxies(
                results, ours: ours, goal: BenchText.goalChaosBetter, in: bench, into: &report,
                describe: { BenchText.chaosScore($0.gets - $0.getSuccesses, $0.neverApplied, $0.appliedTwice) },
                beats: { $0.beats($1) })
        }
        return report
    }

    private func measure(_ column: Column, duration: Duration, in bench: BenchEnvironment) async throws -> Measurement? {
        guard let driver = try await bench.prepare(column) else { return nil }
        let prefix = "\(column.rawValue)-\(UInt32.random(in: 0...UInt32.max))"
        let clock = ContinuousClock()
        let origin = clock.now
        let nodes = bench.nodes
        let seed = bench.settings.seed
        async let actions = Self.unleash(on: nodes, seed: seed, until: origin + duration)
        let samples = await OpenLoop(rate: Self.rate, duration: duration).run(driver: driver, origin: origin) { index in
            index % 2 == 0
                ? .stats
                : .post(BenchRequest.itemsPath, idempotencyKey: "\(prefix)-\(index)", body: "{\"n\":\(index)}")
        }
        let (kills, revivals) = await actions
        await driver.shutdown()

        var result = Measurement(kills: kills, revivals: revivals)
        let ledger = bench.cluster.ledger
        for sample in samples {
            if sample.index % 2 == 0 {
                result.gets += 1
                if sample.answer.succeeded { result.getSuccesses += 1 }
            } else {
                result.posts += 1
                let applications = ledger.applications(ofKey: "\(prefix)-\(sample.index)")
                if sample.answer.succeeded { result.postsAcknowledged += 1 }
                if applications > 1 { result.appliedTwice += 1 }
                if applications == 0 { result.neverApplied += 1 }
                if applications > 0, !sample.answer.succeeded { result.failedButApplied += 1 }
            }
        }
        result.failures = samples.failureKinds
        await bench.heal()
        return result
    }

    /// Every `period` until `end`, kills or revives a node chosen by a generator seeded with `seed`
    /// (the same schedule for every column); never kills the last node alive.
    ///
    /// - Returns: How many kills and revivals.
    static func unleash(on nodes: [DemoNode], seed: UInt64, until end: ContinuousClock.Instant) async -> (Int, Int) {
        var generator = SplitMix64(seed: seed)
        var alive = Array(repeating: true, count: nodes.count)
        var kills = 0
        var revivals = 0
        let clock = ContinuousClock()
        var next = clock.now + period
        while next < end {
            try? await Task.sleep(until: next, clock: .continuous)
            next += period
            let index = Int(generator.next() % UInt64(nodes.count))
            if alive[index] {
                if alive.count(where: { $0 }) > 1 {
                    await nodes[index].kill()
                    alive[index] = false
                    kills += 1
                } else if let dead = alive.indices.filter({ !alive[$0] }).randomElement(using: &generator) {
                    // The only node alive was drawn: revive another instead, never all down.
                    if (try? await nodes[dead].revive()) != nil {
                        alive[dead] = true
                        revivals += 1
                    }
                }
            } else if (try? await nodes[index].revive()) != nil {
                alive[index] = true
                revivals += 1
            }
        }
        return (kills, revivals)
    }
}
