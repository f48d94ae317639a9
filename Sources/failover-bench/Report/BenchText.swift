/// Every string of the harness that a person reads, in English, in one place: the candidates for
/// the `bench.*` keys of `Localization/{en,fr}.lproj` (the harness cannot add keys to the catalogs
/// itself). Scenario names, column identifiers and JSON keys are identifiers, not text.
enum BenchText {
    // MARK: Command line

    static let abstract = "Benchmarks the failover client against a plain AsyncHTTPClient, HAProxy and nginx on 127.0.0.1."
    static let discussion = """
        Starts three demo nodes on 127.0.0.1, and HAProxy and nginx in front of them \
        (Resources/bench/proxies.sh installs them with apt-get if missing), runs each scenario \
        on the failover client and through each proxy, then prints a table. Build in release mode: \
        swift run -c release failover-bench [SCENARIO...]
        """
    static let helpScenarios = "Scenarios to run, in order (default: all): overhead, refused, hang, error503, chaos, outage, recovery, memory."
    static let helpJSON = "Write the results as JSON to this file."
    static let helpScale = "Multiply every scenario duration (and the request counts of overhead and memory) by this factor; 0.1 for a quick run."
    static let helpRequests = "Requests per column and concurrency in overhead (default 30,000 at concurrency 1 and 90,000 at 64, scaled)."
    static let helpMemoryRequests = "Requests of memory (default 1,000,000, scaled)."
    static let helpSkipProxies = "Leave HAProxy and nginx out (their columns show skipped)."
    static let helpSeed = "Seed of chaos's kills and revivals."
    static let helpProxyScript = "Path of proxies.sh (default: Resources/bench/proxies.sh, found from the current directory or the executable)."
    static let helpList = "List the scenarios and exit."
    static let scaleMustBePositive = "--duration-scale must be more than 0"
    static let requestsMustBePositive = "--requests and --memory-requests must be at least 1"

    static func unknownScenario(_ name: String) -> String {
        "unknown scenario \"\(name)\" (known: \(Scenarios.all.map(\.name).joined(separator: ", ")))"
    }

    // MARK: Progress and report

    static let title = "failover-bench"
    static let scriptMissing = "Resources/bench/proxies.sh not found"
    static let proxyNoReason = "no reason given"
    static let startingNodes = "starting three demo nodes on 127.0.0.1"
    static let startingProxies = "starting HAProxy and nginx (installing them if missing)"

    static func proxyNoReport(status: Int32) -> String { "proxies.sh said nothing about it (exit status \(status))" }
    static func machine(cores: Int, model: String, memoryMiB: Int, kernel: String) -> String {
        "machine: \(cores) cores, \(model), \(memoryMiB) MiB, Linux \(kernel)"
    }
    static func nodes(_ urls: [String]) -> String { "nodes: \(urls.joined(separator: ", "))" }
    static func proxyLine(_ name: String, _ state: String) -> String { "\(name): \(state)" }
    static func proxyAvailable(_ url: String) -> String { "available at \(url)" }
    static func proxyUnavailable(_ reason: String) -> String { "unavailable (\(reason))" }
    static let proxySkipped = "skipped"
    static func running(_ name: String, _ summary: String) -> String { "running \(name): \(summary)" }
    static func finished(_ name: String, seconds: String) -> String { "finished \(name) in \(seconds) s" }
    static func scenarioFailed(_ name: String, _ error: String) -> String { "\(name) failed: \(error)" }
    static func jsonWritten(_ path: String) -> String { "results written to \(path)" }
    static func jsonFailed(_ path: String, _ error: String) -> String { "cannot write \(path): \(error)" }
    static let targetsTitle = "targets"
    static func workerFailed(status: Int, timedOut: Bool) -> String {
        timedOut ? "the memory worker ran out of time" : "the memory worker ended without a result (exit status \(status))"
    }

    // MARK: Table

    static let headerScenario = "scenario"
    static let headerMetric = "metric"
    static let headerTarget = "target"
    static let headerGoal = "goal"
    static let headerMeasured = "measured"
    static let headerVerdict = "verdict"
    static let cellUnavailable = "unavailable"
    static let cellSkipped = "skipped"
    static let cellNotApplicable = "n/a"
    static let cellFailed = "failed"
    static let failedAnswer = "fail"
    static let failedWord = "failed"

    static func columnName(_ column: Column) -> String {
        switch column {
        case .failover: "failover client"
        case .haproxy: "HAProxy"
        case .nginx: "nginx"
        }
    }

    // MARK: Scenarios

    static let summaryOverhead = "requests/s and p50/p99 through the failover client vs plain AsyncHTTPClient, concurrency 1 and 64"
    static let summaryRefused = "the primary's port closed: added latency of the failover over the healthy path"
    static let summaryHang = "the primary accepts and never answers: time to a successful answer, without and with hedging"
    static let summaryError503 = "the primary answers 503: added latency and failures"
    static let summaryChaos = "a random node killed or revived every 500 ms, GETs and POSTs with Idempotency-Key"
    static let summaryOutage = "every node answers 503 for 10 s at a steady load: attempts per request over time"
    static let summaryRecovery = "time from the primary's revival to the first request it serves"
    static let summaryMemory = "peak RSS with 1,000 requests in flight, RSS after 1,000,000 requests"

    static func metricThroughput(concurrency: Int, direct: String) -> String { "c=\(concurrency) throughput (plain AHC: \(direct))" }
    static func metricLatency(concurrency: Int, direct: String) -> String { "c=\(concurrency) p50 / p99 (plain AHC: \(direct))" }
    static func metricP50Added(concurrency: Int) -> String { "c=\(concurrency) p50 added over plain AHC" }
    static func goalThroughput(concurrency: Int) -> String { "throughput at c=\(concurrency) >= 0.95x plain AHC" }
    static func goalP50Added(concurrency: Int) -> String { "p50 added at c=\(concurrency) < 25 us" }

    static let metricSuccess = "answered 2xx"
    static let metricHealthyLatency = "healthy p50 / p99"
    static let metricFaultLatency = "after the fault p50 / p99 / max"
    static let metricAdded = "p50 / p99 added over healthy"
    static let metricAffected = "requests slowed (> healthy p99 + 10 ms) or failed"
    static let metricAttemptsPerRequest = "node attempts per request"
    static let goalRefusedShort = "p99 < +1 ms"
    static let goalRefused = "p99 added < 1 ms"
    static let goalBetterThanProxies = "better than HAProxy and nginx (higher success rate, or equal and p99 lower by > 10% and > 100 us)"
    static let goalBetterWithoutHedging = "without hedging, better than HAProxy and nginx (same rule)"
    static let goalBetterWithHedging = "with hedging, better than HAProxy and nginx (same rule)"

    static func comparison(proxy: String, ours: String, theirs: String) -> String { "vs \(proxy): \(ours) against \(theirs)" }
    static func successAndP99(_ success: String, _ p99: String) -> String { "\(success), p99 \(p99)" }
    static func share(_ percent: String, of total: String) -> String { "\(percent) of \(total)" }
    static func hedgedLabel(delay: String) -> String { "hedged (\(delay)): " }
    static func goalHedgeShort(limit: String) -> String { "p99 < \(limit)" }
    static func goalHedge(limit: String) -> String { "with hedging, p99 < hedge delay + 10 ms = \(limit)" }

    static let metricGetSuccess = "GETs answered 2xx"
    static let metricPostAcknowledged = "POSTs acknowledged (2xx)"
    static let metricAppliedTwice = "POSTs applied twice (ledger)"
    static let metricNeverApplied = "POSTs never applied (ledger)"
    static let metricFailedButApplied = "POSTs failed for the caller but applied"
    static let metricKillsRevivals = "kills / revivals"
    static let goalChaosGets = "100% of GETs succeed"
    static let goalChaosTwice = "0 POSTs applied twice"
    static let goalChaosLost = "0 POSTs lost (never applied)"
    static let goalChaosBetter = "better than HAProxy and nginx (fewer failed GETs, lost and duplicated POSTs)"
    static func chaosScore(_ failedGets: Int, _ lost: Int, _ twice: Int) -> String {
        "\(failedGets) GETs failed, \(lost) POSTs lost, \(twice) applied twice"
    }

    static let metricOutageFirst = "attempts per request, first second"
    static let metricOutageAfter = "attempts per request, after the first second (nodes' count)"
    static let metricOutageClient = "the same, the client's count of each request"
    static let metricOutageSeries = "attempts per request, each second"
    static let goalOutage = "<= 1.2 attempts per request after the first second"
    static func outageMeasured(client: String, nodes: String) -> String { "\(client) by the client's count (\(nodes) by the nodes')" }

    static let metricRecoveryEach = "revival to first request served, each cycle"
    static let metricRecoveryWorst = "worst cycle"
    static func goalRecovery(limit: String) -> String { "recovery <= health interval x rise + one interval = \(limit)" }
    static func worstOf(_ value: String) -> String { "worst \(value)" }

    static let metricClientPeak = "peak RSS of the client process (1,000 in flight)"
    static func metricClientGrowth(_ requests: String) -> String { "client RSS after \(requests) requests (change since 10%)" }
    static let goalNoGrowthShort = "no growth"
    static let metricProxyPeak = "peak RSS of the proxy's processes"
    static let metricProxyGrowth = "proxy RSS at the end (change since 10%)"
    static let metricMemoryThroughput = "throughput at 1,000 in flight"
    static let goalMemoryPeak = "peak RSS < 64 MiB with 1,000 requests in flight"
    static func goalNoGrowth(_ requests: String) -> String { "no growth over \(requests) requests (at most 2 MiB or 5% over the RSS after 10%)" }
    static func growth(from early: String, to end: String, delta: String) -> String { "\(early) after 10%, \(end) at the end (\(delta))" }
}
