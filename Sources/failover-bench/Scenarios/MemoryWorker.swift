import Failover
import Foundation

/// The child process of `memory`: one client alone in its process (the nodes and proxies run
/// elsewhere), so its resident memory is the client's and the runtime's only.
///
/// It sends `requests` GETs with `concurrency` in flight and prints, for the parent to read:
///
/// ```
/// checkpoint STARTED RSS_KIB PEAK_KIB          (every tenth of the requests)
/// final COMPLETED FAILURES SECONDS RSS_KIB PEAK_KIB BASELINE_KIB
/// ```
enum MemoryWorker {
    static func run(mode: String, urls: [String], concurrency: Int, requests: Int) async throws {
        let baseline = ResidentMemory.current()?.residentKiB ?? 0
        let driver: any RequestDriver
        switch mode {
        case "failover":
            driver = FailoverDriver(configuration: try BenchSettings().failoverConfiguration(urls: urls))
        case "transport":
            // The failover client's transport alone: what the client costs over it.
            driver = TransportDriver(baseURL: urls[0], configuration: try BenchSettings().failoverConfiguration(urls: urls))
        case "instant":
            // The failover client's own CPU per request: no I/O (see `InstantTransport`).
            let client = FailoverClient(
                configuration: try BenchSettings().failoverConfiguration(urls: urls), transport: InstantTransport(), runsHealthChecks: false)
            driver = FailoverDriver(client: client)
        default:
            // With the idle read timeout the failover client's transport has, as in `overhead`.
            driver = PlainDriver(baseURL: urls[0], readTimeout: BenchSettings.requestTimeout)
        }
        let step = max(1, requests / 10)
        let loop = ClosedLoop(concurrency: concurrency, requests: requests, timeLimit: .seconds(1_500), recordsLatencies: false)
        let result = await loop.run(driver: driver, request: .stats, progressEvery: step) { started in
            guard let memory = ResidentMemory.current() else { return }
            print("checkpoint \(started) \(memory.residentKiB) \(memory.peakKiB)")
        }
        let end = ResidentMemory.current() ?? ResidentMemory(residentKiB: 0, peakKiB: 0)
        print("final \(result.completed) \(result.failures) \(result.elapsed.secondCount) \(end.residentKiB) \(end.peakKiB) \(baseline)")
        await driver.shutdown()
    }

    /// What the parent reads back.
    struct Report: Sendable {
        var checkpoints: [(started: Int, residentKiB: Int)] = []
        var completed = 0
        var failures = 0
        var seconds = 0.0
        var residentKiB = 0
        var peakKiB = 0
        var baselineKiB = 0

        init?(parsing output: String) {
            var sawFinal = false
            for line in output.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.first == "checkpoint", fields.count == 4, let started = Int(fields[1]), let rss = Int(fields[2]) {
                    checkpoints.append((started, rss))
                } else if fields.first == "final", fields.count == 7 {
                    completed = Int(fields[1]) ?? 0
                    failures = Int(fields[2]) ?? 0
                    seconds = Double(fields[3]) ?? 0
                    residentKiB = Int(fields[4]) ?? 0
                    peakKiB = Int(fields[5]) ?? 0
                    baselineKiB = Int(fields[6]) ?? 0
                    sawFinal = true
                }
            }
            guard sawFinal else { return nil }
            checkpoints.sort { $0.started < $1.started }
        }

        /// Resident memory after the first tenth of the requests.
        var earlyKiB: Int { checkpoints.first?.residentKiB ?? residentKiB }
    }
}
