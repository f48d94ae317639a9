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
        var writes = WriteOutcomes()
        var kills = 0
        var revivals = 0
        var failures: JSONValue = .null

        var json: JSONValue {
            .object(writes.jsonFields + [("kills", .integer(kills)), ("revivals", .integer(revivals)), ("failures", failures)])
        }

        /// Fewer failed GETs, lost and duplicated POSTs than `other`, and no more of any.
        func beats(_ other: Measurement) -> Bool {
            let ours = [writes.failedGets, writes.neverApplied, writes.appliedTwice]
            let theirs = [other.writes.failedGets, other.writes.neverApplied, other.writes.appliedTwice]
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
        WriteOutcomes.addRows(to: &report) { value in cells { value($0.writes) } }
        report.add(BenchText.metricKillsRevivals, cells { "\($0.kills) / \($0.revivals)" })
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }

        if let ours = results[.failover] {
            ours.writes.addChecks(to: &report)
            compareWithProxies(
                results, ours: ours, goal: BenchText.goalChaosBetter, in: bench, into: &report,
                describe: { BenchText.chaosScore($0.writes.failedGets, $0.writes.neverApplied, $0.writes.appliedTwice) },
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
                result.writes.countGet(succeeded: sample.answer.succeeded)
            } else {
                result.writes.countPost(
                    succeeded: sample.answer.succeeded, applications: ledger.applications(ofKey: "\(prefix)-\(sample.index)"))
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

/// The GETs and POSTs of a run with writes, each POST judged by the nodes' shared ledger: `chaos`
/// and `soak`.
struct WriteOutcomes: Sendable {
    var gets = 0
    var getSuccesses = 0
    var posts = 0
    var postsAcknowledged = 0
    var appliedTwice = 0
    var neverApplied = 0
    var failedButApplied = 0

    var failedGets: Int { gets - getSuccesses }

    mutating func countGet(succeeded: Bool) {
        gets += 1
        if succeeded { getSuccesses += 1 }
    }

    /// A POST the client answered (`succeeded`) and the ledger applied `applications` times.
    mutating func countPost(succeeded: Bool, applications: Int) {
        posts += 1
        if succeeded { postsAcknowledged += 1 }
        if applications > 1 { appliedTwice += 1 }
        if applications == 0 { neverApplied += 1 }
        if applications > 0, !succeeded { failedButApplied += 1 }
    }

    var jsonFields: [(String, JSONValue)] {
        [
            ("gets", .integer(gets)), ("getSuccesses", .integer(getSuccesses)), ("posts", .integer(posts)),
            ("postsAcknowledged", .integer(postsAcknowledged)), ("appliedTwice", .integer(appliedTwice)),
            ("neverApplied", .integer(neverApplied)), ("failedButApplied", .integer(failedButApplied)),
        ]
    }

    /// The table's rows, the cells made by `cells` from a value of the outcomes.
    static func addRows(to report: inout ScenarioReport, cells: ((WriteOutcomes) -> String) -> [Column: Cell]) {
        report.add(BenchText.metricGetSuccess, cells { Format.share($0.getSuccesses, of: $0.gets) }, goal: Format.percent(whole: 100))
        report.add(BenchText.metricPostAcknowledged, cells { Format.share($0.postsAcknowledged, of: $0.posts) })
        report.add(BenchText.metricAppliedTwice, cells { Format.count($0.appliedTwice) }, goal: "0")
        report.add(BenchText.metricNeverApplied, cells { Format.count($0.neverApplied) }, goal: "0")
        report.add(BenchText.metricFailedButApplied, cells { Format.count($0.failedButApplied) })
    }

    /// The targets: every GET answered, no POST applied twice or lost.
    func addChecks(to report: inout ScenarioReport) {
        report.check(BenchText.goalChaosGets, measured: Format.percent(getSuccesses, of: gets), met: getSuccesses == gets && gets > 0)
        report.check(BenchText.goalChaosTwice, measured: Format.count(appliedTwice), met: appliedTwice == 0)
        report.check(BenchText.goalChaosLost, measured: Format.count(neverApplied), met: neverApplied == 0)
    }
}
