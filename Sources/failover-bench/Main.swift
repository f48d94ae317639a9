import ArgumentParser
import Foundation

/// `failover-bench [SCENARIO...] [--json PATH] [--duration-scale X] [--requests N] [--skip-proxies]`:
/// the benchmark harness of swift-failover (see BENCHMARKS.md). Run it in release mode.
///
/// Its help and messages are in the language of `FAILOVER_LANG`, `LC_ALL`, `LC_MESSAGES` or `LANG`
/// (see `Language.resolve`): the texts are read from the catalogs when the parser asks for them.
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
    var durationScale: Double?

    @Option(name: .long, help: ArgumentHelp(BenchText.helpRequests, valueName: "n"))
    var requests: Int?

    @Option(name: .long, help: ArgumentHelp(BenchText.helpMemoryRequests, valueName: "n"))
    var memoryRequests: Int?

    @Flag(name: .long, help: ArgumentHelp(BenchText.helpSkipProxies))
    var skipProxies = false

    @Option(name: .long, help: ArgumentHelp(BenchText.helpSeed, valueName: "n"))
    var seed: UInt64?

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
        if let durationScale, !(durationScale > 0 && durationScale.isFinite) {
            throw ValidationError(BenchText.scaleMustBePositive)
        }
        guard (requests ?? 1) >= 1, (memoryRequests ?? 1) >= 1, workerRequests >= 1 else {
            throw ValidationError(BenchText.requestsMustBePositive)
        }
        for name in scenarios where Scenarios.named(name) == nil {
            throw ValidationError(BenchText.unknownScenario(name))
        }
    }

    /// Parses the command line and runs, like `AsyncParsableCommand.main()`, but reports a rejected
    /// command line and a failed run in the user's language (the parser's own words stay English).
    static func main() async {
        let parsed: any ParsableCommand
        do {
            parsed = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(BenchText.invalidArguments(message(for: error)))
            Foundation.exit(exitCode(for: error).rawValue)
        }
        guard let command = parsed as? FailoverBench else {
            // --help and the like: the parser's own command prints what was asked.
            var other = parsed
            do { try other.run() } catch { exit(withError: error) }
            return
        }
        do {
            try await command.run()
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            printError(BenchText.runFailed(String(describing: error)))
            Foundation.exit(ExitCode.failure.rawValue)
        }
    }

    private static func printError(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
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
        if let durationScale { settings.durationScale = durationScale }
        settings.overheadRequests = requests
        settings.memoryRequests = memoryRequests
        settings.skipProxies = skipProxies
        if let seed { settings.seed = seed }
        settings.proxyScript = skipProxies ? nil : (proxyScript ?? ProxyController.locateScript())
        let chosen = scenarios.isEmpty ? Scenarios.byDefault : scenarios.compactMap(Scenarios.named)
        let runner = BenchRunner(settings: settings, scenarios: chosen, jsonPath: json)
        guard try await runner.run() else { throw ExitCode.failure }
    }
}
