import OrderedJSON
import Locking

/// `recovery`: the primary is killed, the load moves to a backup, then the primary is revived;
/// the time from its revival to the first request it serves (automatic failback; HAProxy's health
/// checks; nginx's `fail_timeout`). Several cycles under a steady load.
struct RecoveryScenario: Scenario {
    let name = "recovery"
    var summary: String { BenchText.summaryRecovery }
    static let rate = 100.0
    /// Time for every column to move off the killed primary before it is revived.
    static let settle = Duration.seconds(3)
    /// Longest wait for the first request served after revival.
    static let patience = Duration.seconds(10)

    struct Measurement: Sendable {
        /// Per cycle: time from revival to the first request served by the primary, in nanoseconds (`nil`: never).
        var recoveries: [Int64?]
        var requests: Int
        var succeeded: Int

        var worst: Int64? { recoveries.contains { $0 == nil } ? nil : recoveries.compactMap { $0 }.max() }
        var median: Int64? { LatencyStats(recoveries.map { $0 ?? .max }).p50 }

        var json: JSONValue {
            .object([
                ("recoveriesMs", .array(recoveries.map { JSONValue.milliseconds(nanoseconds: $0) })),
                ("requests", .integer(requests)), ("succeeded", .integer(succeeded)),
            ])
        }
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let cycles = bench.settings.scaled(3, atLeast: 1)
        var results: [Column: Measurement] = [:]
        for column in Column.allCases {
            results[column] = try await measure(column, cycles: cycles, in: bench)
        }
        let limit = BenchSettings.healthInterval * BenchSettings.rise + BenchSettings.healthInterval
        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, results[column].map { .text(value($0)) } ?? bench.missingCell(column))
            })
        }
        report.add(BenchText.metricRecoveryEach, cells { $0.recoveries.map { Format.duration($0 ?? .max) }.joined(separator: " / ") })
        report.add(BenchText.metricRecoveryWorst, cells { Format.duration($0.worst ?? .max) }, goal: "<= " + Format.duration(limit.nanosecondCount))
        report.add(BenchText.metricSuccess, cells { Format.share($0.succeeded, of: $0.requests) })
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) }
        let goal = BenchText.goalRecovery(limit: Format.duration(limit.nanosecondCount))
        if let ours = results[.failover] {
            report.check(goal, measured: BenchText.worstOf(Format.duration(ours.worst ?? .max)), met: ours.worst.map { $0 <= limit.nanosecondCount } ?? false)
        } else {
            report.check(goal, measured: BenchText.cellFailed, met: nil)
        }
        return report
    }

    private func measure(_ column: Column, cycles: Int, in bench: BenchEnvironment) async throws -> Measurement? {
        guard let driver = try await bench.prepare(column) else { return nil }
        let primary = bench.nodes[0]
        let clock = ContinuousClock()
        let origin = clock.now
        let watch = FirstServed(node: primary.name)
        let stop = StopSignal()
        let longest = (Self.settle + Self.patience + .seconds(1)) * cycles
        async let load = OpenLoop(rate: Self.rate, duration: longest).run(
            driver: driver, origin: origin, stop: stop, request: { _ in .stats }, observe: { watch.see($0) })
        var recoveries: [Int64?] = []
        for _ in 0..<cycles {
            await primary.kill()
            try? await Task.sleep(for: Self.settle)
            try? await primary.revive()
            let revivedAt = origin.duration(to: clock.now).nanosecondCount
            watch.arm(since: revivedAt)
            let giveUp = clock.now + Self.patience
            var served: Int64?
            while clock.now < giveUp {
                if let at = watch.servedAt {
                    served = at - revivedAt
                    break
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            recoveries.append(served)
            try? await Task.sleep(for: .milliseconds(500))
        }
        stop.raise()
        let samples = await load
        await driver.shutdown()
        await bench.heal()
        return Measurement(recoveries: recoveries, requests: samples.count, succeeded: samples.successes)
    }
}

/// Notes when a node first serves a request after a given instant.
final class FirstServed: Sendable {
    private struct State {
        var since: Int64?
        var servedAt: Int64?
    }

    let node: String
    private let state = LockedValue(State())

    init(node: String) { self.node = node }

    /// Starts watching for answers completed after `since` (nanoseconds after the origin).
    func arm(since: Int64) { state.withLock { $0 = State(since: since, servedAt: nil) } }

    /// When the node first served after `since`, if it has.
    var servedAt: Int64? { state.withLock { $0.servedAt } }

    /// Looks at one answer.
    func see(_ sample: Sample) {
        guard sample.answer.succeeded, sample.answer.node == node else { return }
        state.withLock { state in
            guard let since = state.since, state.servedAt == nil, sample.endNs >= since else { return }
            state.servedAt = sample.endNs
        }
    }
}
