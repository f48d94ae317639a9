import ArgumentParser
import Foundation

/// `failover-bench [SCENARIO...] [--json PATH] [--duration-scale X] [--requests N] [--skip-proxies]`:
/// the benchmark harness of swift-failover (see BENCHMARKS.md). Run it in release mode.
@main
struct FailoverBench: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "failover-bench", abstract: BenchText.abstract, discussion: BenchText.discussion)
    }

    @Argument(help: ArgumentHelp(BenchText.helpScenarios))
    var scenarios: [String] = []

    @Option(name: .long, help: ArgumentHelp(BenchText.helpJSON, valueName: "path"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp(BenchText.helpScale, valueName: "factor"))
    var durationScale: Double = 1

    @Option(name: .long, help: ArgumentHelp(BenchText.helpRequests, valueName: "n"))
    var requests: Int?

    @Option(name: .long, help: ArgumentHelp(BenchText.helpMemoryRequests, valueName: "n"))
    var memoryRequests: Int?

    @Flag(name: .long, help: ArgumentHelp(BenchText.helpSkipProxies))
    var skipProxies = false

    @Option(name: .long, help: ArgumentHelp(BenchText.helpSeed, valueName: "n"))
    var seed: UInt64 = 6

    @Option(name: .long, help: ArgumentHelp(BenchText.helpProxyScript, valueName: "path"))
    var proxyScript: String?

    @Flag(name: .long, help: ArgumentHelp(BenchText.helpList))
    var list = false

    // The child process of `memory` (this same executable).
    @Option(name: .long, help: .hidden) var memoryWorker: String?
    @Option(name: .customLong("worker-urls"), help: .hidden) var workerURLs: String?
    @Option(name: .long, help: .hidden) var workerConcurrency = 1_000
    @Option(name: .long, help: .hidden) var workerRequests = 1_000_000

    func validate() throws {
        guard durationScale > 0, durationScale.isFinite else { throw ValidationError(BenchText.scaleMustBePositive) }
        guard (requests ?? 1) >= 1, (memoryRequests ?? 1) >= 1, workerRequests >= 1 else {
            throw ValidationError(BenchText.requestsMustBePositive)
        }
        for name in scenarios where Scenarios.named(name) == nil {
            throw ValidationError(BenchText.unknownScenario(name))
        }
    }

    func run() async throws {
        if let memoryWorker {
            let urls = (workerURLs ?? "").split(separator: ",").map(String.init)
            try await MemoryWorker.run(mode: memoryWorker, urls: urls, concurrency: workerConcurrency, requests: workerRequests)
            return
        }
        if list {
            for scenario in Scenarios.all { print("\(scenario.name.padded(to: 10))  \(scenario.summary)") }
            return
        }
        var settings = BenchSettings()
        settings.durationScale = durationScale
        settings.overheadRequests = requests
        settings.memoryRequests = memoryRequests
        settings.skipProxies = skipProxies
        settings.seed = seed
        settings.proxyScript = skipProxies ? nil : (proxyScript ?? ProxyController.locateScript())
        let chosen = scenarios.isEmpty ? Scenarios.all : scenarios.compactMap(Scenarios.named)
        let runner = BenchRunner(settings: settings, scenarios: chosen, jsonPath: json)
        guard try await runner.run() else { throw ExitCode.failure }
    }
}
