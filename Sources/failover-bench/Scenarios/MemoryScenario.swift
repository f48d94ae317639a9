import Foundation
import OrderedJSON
import Locking

/// `memory`: the peak resident memory of a client process with 1,000 requests in flight, and its
/// resident memory after 1,000,000 requests (no growth). The client runs alone in a child process
/// (this same executable, in worker mode); for the proxy columns, a plain client in the child
/// drives the proxy, whose processes' memory is read from `/proc` as well.
struct MemoryScenario: Scenario {
    let name = "memory"
    var summary: String { BenchText.summaryMemory }
    static let concurrency = 1_000
    static let peakLimitKiB = 64 * 1_024

    struct Measurement: Sendable {
        var client: MemoryWorker.Report
        /// The proxy's processes: peak (sum of their high-water marks), resident at about a tenth
        /// of the run and at the end.
        var proxyPeakKiB: Int?
        var proxyEarlyKiB: Int?
        var proxyEndKiB: Int?

        /// Growth allowed: 2 MiB or 5 %, whichever is larger.
        static func grew(from early: Int, to end: Int) -> Bool { end - early > max(2_048, early / 20) }

        var json: JSONValue {
            .object([
                ("requests", .integer(client.completed)), ("failures", .integer(client.failures)), ("seconds", .decimal(client.seconds)),
                ("throughput", .decimal(client.seconds > 0 ? Double(client.completed) / client.seconds : 0)),
                ("clientBaselineKiB", .integer(client.baselineKiB)), ("clientPeakKiB", .integer(client.peakKiB)),
                ("clientResidentAfterTenthKiB", .integer(client.earlyKiB)), ("clientResidentEndKiB", .integer(client.residentKiB)),
                ("clientCheckpoints", .array(client.checkpoints.map { .object([("started", .integer($0.started)), ("residentKiB", .integer($0.residentKiB))]) })),
                ("proxyPeakKiB", proxyPeakKiB.map { .integer($0) } ?? .null),
                ("proxyResidentAfterTenthKiB", proxyEarlyKiB.map { .integer($0) } ?? .null),
                ("proxyResidentEndKiB", proxyEndKiB.map { .integer($0) } ?? .null),
            ])
        }
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let requests = bench.settings.memoryRequests ?? bench.settings.scaled(1_000_000, atLeast: 10_000)
        var results: [Column: Measurement] = [:]
        var errors: [(String, JSONValue)] = []
        for column in Column.allCases {
            do {
                results[column] = try await measure(column, requests: requests, in: bench)
            } catch {
                errors.append((column.rawValue, .string(String(describing: error))))
            }
        }
        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String?) -> [Column: Cell] {
            Dictionary(uniqueKeysWithValues: Column.allCases.map { column in
                (column, results[column].map { value($0).map { .text($0) } ?? .notApplicable } ?? bench.missingCell(column))
            })
        }
        report.add(BenchText.metricClientPeak, cells { Format.mebibytes($0.client.peakKiB) }, goal: "< 64 MiB")
        report.add(BenchText.metricClientGrowth(Format.count(requests)), cells {
            "\(Format.mebibytes($0.client.residentKiB)) (\(Self.signed($0.client.residentKiB - $0.client.earlyKiB)))"
        }, goal: BenchText.goalNoGrowthShort)
        report.add(BenchText.metricProxyPeak, cells { $0.proxyPeakKiB.map(Format.mebibytes) })
        report.add(BenchText.metricProxyGrowth, cells { measurement in
            guard let end = measurement.proxyEndKiB, let early = measurement.proxyEarlyKiB else { return nil }
            return "\(Format.mebibytes(end)) (\(Self.signed(end - early)))"
        })
        report.add(BenchText.metricMemoryThroughput, cells {
            BenchText.throughputAndFailures(
                Format.rate($0.client.seconds > 0 ? Double($0.client.completed) / $0.client.seconds : 0), failures: Format.count($0.client.failures))
        })
        report.results = results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) } + errors
        if let ours = results[.failover] {
            report.check(BenchText.goalMemoryPeak, measured: Format.mebibytes(ours.client.peakKiB), met: ours.client.peakKiB < Self.peakLimitKiB)
            let growth = ours.client.residentKiB - ours.client.earlyKiB
            report.check(
                BenchText.goalNoGrowth(Format.count(requests)),
                measured: BenchText.growth(from: Format.mebibytes(ours.client.earlyKiB), to: Format.mebibytes(ours.client.residentKiB), delta: Self.signed(growth)),
                met: !Measurement.grew(from: ours.client.earlyKiB, to: ours.client.residentKiB))
        } else {
            report.check(BenchText.goalMemoryPeak, measured: BenchText.cellFailed, met: nil)
        }
        return report
    }

    private static func signed(_ kibibytes: Int) -> String {
        (kibibytes >= 0 ? "+" : "-") + Format.mebibytes(abs(kibibytes))
    }

    private func measure(_ column: Column, requests: Int, in bench: BenchEnvironment) async throws -> Measurement? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var arguments = ["--memory-worker"]
        var proxyPID: Int32?
        await bench.heal()
        switch column {
        case .failover:
            await bench.proxies.stop()
            arguments += ["failover", "--worker-urls", bench.urls.joined(separator: ",")]
        case .haproxy, .nginx:
            guard bench.proxies.state(of: column).isAvailable else { return nil }
            await bench.proxies.start()
            guard case .running(let pid, _) = bench.proxies.state(of: column) else { return nil }
            proxyPID = pid
            arguments += ["plain", "--worker-urls", bench.proxies.baseURL(of: column)]
        }
        arguments += ["--worker-concurrency", String(Self.concurrency), "--worker-requests", String(requests)]

        let samples = ProxyMemorySamples()
        let stop = StopSignal()
        async let sampling: Void = Self.sample(pid: proxyPID, into: samples, until: stop)
        let outcome = try await ChildProcess.run(executable, arguments, timeLimit: .seconds(1_800))
        stop.raise()
        await sampling
        await bench.heal()
        guard let report = MemoryWorker.Report(parsing: outcome.output) else {
            throw BenchError.workerFailed(status: outcome.status, timedOut: outcome.timedOut)
        }
        var measurement = Measurement(client: report)
        if let pid = proxyPID {
            measurement.proxyPeakKiB = ResidentMemory.ofTree(pid: pid)?.peakKiB
            let series = samples.values
            measurement.proxyEarlyKiB = series.isEmpty ? nil : series[series.count / 10]
            measurement.proxyEndKiB = ResidentMemory.ofTree(pid: pid)?.residentKiB ?? series.last
        }
        return measurement
    }

    /// Reads the proxy's resident memory every 250 ms while the child runs.
    private static func sample(pid: Int32?, into samples: ProxyMemorySamples, until stop: StopSignal) async {
        guard let pid else { return }
        while !stop.isRaised {
            if let memory = ResidentMemory.ofTree(pid: pid) { samples.append(memory.residentKiB) }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}

/// The proxy's resident memory over a run, in KiB.
final class ProxyMemorySamples: Sendable {
    private let storage = LockedValue<[Int]>([])
    var values: [Int] { storage.withLock { $0 } }
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
}

/// Why the harness could not measure something.
enum BenchError: Error, CustomStringConvertible {
    case workerFailed(status: Int32, timedOut: Bool)

    var description: String {
        switch self {
        case .workerFailed(let status, let timedOut): BenchText.workerFailed(status: Int(status), timedOut: timedOut)
        }
    }
}
