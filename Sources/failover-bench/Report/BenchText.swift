import Localization

/// Every string of the harness that a person reads, in one place: a typed facade over the `bench.*`
/// keys of `Localization/{en,fr}.lproj`, read in ``Language/current`` each time it is used.
/// Scenario names, column identifiers, JSON keys and units are identifiers, not text.
enum BenchText {
    // MARK: Command line

    static var abstract: String { localized(.benchAbstract) }
    static var discussion: String { localized(.benchDiscussion) }
    static var helpScenarios: String { localized(.benchHelpScenarios, Scenarios.all.map(\.name).joined(separator: ", ")) }
    static var helpJSON: String { localized(.benchHelpJSON) }
    static var helpScale: String { localized(.benchHelpDurationScale) }
    static var helpRequests: String { localized(.benchHelpRequests) }
    static var helpMemoryRequests: String { localized(.benchHelpMemoryRequests) }
    static var helpSkipProxies: String { localized(.benchHelpSkipProxies) }
    static var helpSeed: String { localized(.benchHelpSeed, String(BenchSettings().seed)) }
    static var helpProxyScript: String { localized(.benchHelpProxyScript) }
    static var helpList: String { localized(.benchHelpList) }
    static var scaleMustBePositive: String { localized(.benchErrorDurationScale) }
    static var requestsMustBePositive: String { localized(.benchErrorRequests) }

    static func unknownScenario(_ name: String) -> String {
        localized(.benchErrorUnknownScenario, name, Scenarios.all.map(\.name).joined(separator: ", "))
    }
    /// A command line the parser rejected, with its message.
    static func invalidArguments(_ message: String) -> String { localized(.benchErrorArguments, message) }
    /// An error that ended the run.
    static func runFailed(_ error: String) -> String { localized(.benchErrorRun, error) }
    static func cannotRun(_ path: String, _ reason: String) -> String { localized(.benchErrorCannotRun, path, reason) }

    // MARK: Progress and report

    static func title(_ date: String) -> String { localized(.benchReportTitle, date) }
    static var scriptMissing: String { localized(.benchProxyScriptMissing) }
    static var proxyNoReason: String { localized(.benchProxyNoReason) }
    static var startingNodes: String { localized(.benchProgressStartingNodes) }
    static var startingProxies: String { localized(.benchProgressStartingProxies) }

    static func proxyNoReport(status: Int32) -> String { localized(.benchProxyNoReport, Int(status)) }
    static func machine(cores: Int, model: String, memoryMiB: Int, kernel: String) -> String {
        localized(.benchReportMachine, cores, model.isEmpty ? unknown : model, memoryMiB, kernel.isEmpty ? unknown : kernel)
    }
    /// What the machine line shows for a CPU model or kernel that could not be read.
    static var unknown: String { localized(.benchReportUnknown) }
    static func nodes(_ urls: [String]) -> String { localized(.benchReportNodes, urls.joined(separator: ", ")) }
    /// `name: text`, with the colon of the language (a proxy's state, a target and its scenario).
    static func labelled(_ name: String, _ text: String) -> String { localized(.benchLabelled, name, text) }
    /// Between the items of a list of clauses: `; ` (` ; ` in French).
    static var separator: String { localized(.benchSeparator) }
    static func proxyAvailable(_ url: String) -> String { localized(.benchProxyAvailable, url) }
    static func proxyUnavailable(_ reason: String) -> String { localized(.benchProxyUnavailable, reason) }
    static var proxySkipped: String { localized(.benchProxySkipped) }
    static func running(_ name: String, _ summary: String) -> String { localized(.benchProgressRunning, name, summary) }
    static func finished(_ name: String, seconds: String) -> String { localized(.benchProgressFinished, name, seconds) }
    static func scenarioFailed(_ name: String, _ error: String) -> String { localized(.benchProgressScenarioFailed, name, error) }
    static func jsonWritten(_ path: String) -> String { localized(.benchProgressJSONWritten, path) }
    static func jsonFailed(_ path: String, _ error: String) -> String { localized(.benchProgressJSONFailed, path, error) }
    static var targetsTitle: String { localized(.benchReportTargets) }
    static func workerFailed(status: Int, timedOut: Bool) -> String {
        timedOut ? localized(.benchErrorWorkerTimedOut) : localized(.benchErrorWorkerNoResult, status)
    }

    // MARK: Table

    static var headerScenario: String { localized(.benchTableScenario) }
    static var headerMetric: String { localized(.benchTableMetric) }
    static var headerTarget: String { localized(.benchTableTarget) }
    static var headerGoal: String { localized(.benchTableGoal) }
    static var headerMeasured: String { localized(.benchTableMeasured) }
    static var headerVerdict: String { localized(.benchTableVerdict) }
    static var cellUnavailable: String { localized(.benchCellUnavailable) }
    static var cellSkipped: String { localized(.benchCellSkipped) }
    static var cellNotApplicable: String { localized(.benchCellNotApplicable) }
    static var cellFailed: String { localized(.benchCellFailed) }
    static var failedAnswer: String { localized(.benchCellFailedAnswer) }

    static func verdict(_ verdict: Verdict) -> String {
        switch verdict {
        case .met: localized(.benchVerdictMet)
        case .missed: localized(.benchVerdictMissed)
        case .notMeasured: localized(.benchVerdictNotMeasured)
        }
    }

    /// A column's header: HAProxy and nginx are names, not text.
    static func columnName(_ column: Column) -> String {
        switch column {
        case .failover: localized(.benchColumnFailover)
        case .haproxy: "HAProxy"
        case .nginx: "nginx"
        }
    }

    // MARK: Scenarios

    static var summaryOverhead: String { localized(.benchSummaryOverhead) }
    static var summaryRefused: String { localized(.benchSummaryRefused) }
    static var summaryHang: String { localized(.benchSummaryHang) }
    static var summaryError503: String { localized(.benchSummaryError503) }
    static var summaryChaos: String { localized(.benchSummaryChaos) }
    static var summaryOutage: String { localized(.benchSummaryOutage) }
    static var summaryRecovery: String { localized(.benchSummaryRecovery) }
    static var summaryMemory: String { localized(.benchSummaryMemory) }
    static var summaryTLS: String { localized(.benchSummaryTLS) }
    static var summaryBalance: String { localized(.benchSummaryBalance) }
    static var summaryGray: String { localized(.benchSummaryGray) }
    static var summarySoak: String { localized(.benchSummarySoak) }
    static var metricSoakFaults: String { localized(.benchMetricSoakFaults) }
    static func soakFaults(kills: Int, hangs: Int, errors: Int, heals: Int) -> String { localized(.benchSoakFaults, kills, hangs, errors, heals) }
    static var metricSoakMemory: String { localized(.benchMetricSoakMemory) }
    static var metricSoakDescriptors: String { localized(.benchMetricSoakDescriptors) }
    static var metricSoakThreads: String { localized(.benchMetricSoakThreads) }
    static func soakSeries(warm: String, end: String, lowest: String, highest: String) -> String {
        localized(.benchSoakSeries, warm, end, lowest, highest)
    }
    static var metricSoakEnd: String { localized(.benchMetricSoakEnd) }
    static func soakEnd(inFlight: Int, descriptors: String, threads: String) -> String { localized(.benchSoakEnd, inFlight, descriptors, threads) }
    static var goalSoakEndShort: String { localized(.benchGoalSoakEndShort) }
    static var goalSoakMemory: String { localized(.benchGoalSoakMemory) }
    static var goalSoakDescriptors: String { localized(.benchGoalSoakDescriptors) }
    static func soakDescriptors(warm: Int, last: Int, before: Int, after: Int) -> String { localized(.benchSoakDescriptors, warm, last, before, after) }
    static var goalSoakInFlight: String { localized(.benchGoalSoakInFlight) }
    static func soakGrowth(warm: String, end: String, delta: String, tenth: String) -> String {
        localized(.benchSoakGrowth, warm, end, delta, tenth)
    }
    static var labelRoundRobin: String { localized(.benchLabelRoundRobin) }
    static var labelLeastRequest: String { localized(.benchLabelLeastRequest) }
    static func metricBalanceThroughput(_ label: String) -> String { localized(.benchMetricBalanceThroughput, label) }
    static func metricBalanceShares(_ label: String) -> String { localized(.benchMetricBalanceShares, label) }
    static var metricNoFaultLatency: String { localized(.benchMetricNoFaultLatency) }
    static var metricGrayLatency: String { localized(.benchMetricGrayLatency) }
    static var metricFailedRequests: String { localized(.benchMetricFailedRequests) }
    static func goalGrayWithin(factor: String) -> String { localized(.benchGoalGrayWithin, factor) }
    static func grayMeasured(gray: String, healthy: String, limit: String) -> String { localized(.benchGrayMeasured, gray, healthy, limit) }
    static var goalGrayBetter: String { localized(.benchGoalGrayBetter) }
    static func metricTLSThroughput(concurrency: Int, direct: String) -> String { localized(.benchMetricTLSThroughput, concurrency, direct) }
    static func metricTLSLatency(concurrency: Int, direct: String) -> String { localized(.benchMetricTLSLatency, concurrency, direct) }
    static func goalTLSThroughput(concurrency: Int) -> String { localized(.benchGoalTLSThroughput, concurrency) }
    static func metricFirstHandshake(plain: String) -> String { localized(.benchMetricFirstHandshake, plain) }
    static var metricWarmTLS: String { localized(.benchMetricWarmTLS) }

    static func metricThroughput(concurrency: Int, direct: String) -> String { localized(.benchMetricThroughput, concurrency, direct) }
    static func metricLatency(concurrency: Int, direct: String) -> String { localized(.benchMetricLatency, concurrency, direct) }
    static func metricP50Added(concurrency: Int) -> String { localized(.benchMetricP50Added, concurrency) }
    static func goalThroughput(concurrency: Int) -> String { localized(.benchGoalThroughput, concurrency) }
    /// The median ratio, the lowest and highest round's, and both throughputs over every round.
    static func measuredRatio(_ median: String, low: String, high: String, ours: String, direct: String) -> String {
        localized(.benchRatioMeasured, median, low, high, ours, direct)
    }
    static func goalP50Added(concurrency: Int) -> String { localized(.benchGoalP50Added, concurrency) }

    static var metricSuccess: String { localized(.benchMetricSuccess) }
    static var metricHealthyLatency: String { localized(.benchMetricHealthyLatency) }
    static var metricFaultLatency: String { localized(.benchMetricFaultLatency) }
    static var metricAdded: String { localized(.benchMetricAdded) }
    static var metricAffected: String { localized(.benchMetricAffected) }
    static var metricAttemptsPerRequest: String { localized(.benchMetricAttemptsPerRequest) }
    static var goalRefusedShort: String { localized(.benchGoalRefusedShort) }
    static var goalRefused: String { localized(.benchGoalRefused) }
    static var goalBetterThanProxies: String { localized(.benchGoalBetterThanProxies) }
    static var goalBetterWithoutHedging: String { localized(.benchGoalBetterWithoutHedging) }
    static var goalBetterWithHedging: String { localized(.benchGoalBetterWithHedging) }

    static func comparison(proxy: String, ours: String, theirs: String) -> String { localized(.benchComparison, proxy, ours, theirs) }
    static func successAndP99(_ success: String, _ p99: String) -> String { localized(.benchSuccessAndP99, success, p99) }
    static func share(_ percent: String, of total: String) -> String { localized(.benchShare, percent, total) }
    static func hedgedLabel(delay: String) -> String { localized(.benchHedgedLabel, delay) }
    static var stallOffLabel: String { localized(.benchStallOffLabel) }
    static func goalHedgeShort(limit: String) -> String { localized(.benchGoalHedgeShort, limit) }
    static func goalHedge(limit: String) -> String { localized(.benchGoalHedge, limit) }

    static var metricGetSuccess: String { localized(.benchMetricGetSuccess) }
    static var metricPostAcknowledged: String { localized(.benchMetricPostAcknowledged) }
    static var metricAppliedTwice: String { localized(.benchMetricAppliedTwice) }
    static var metricNeverApplied: String { localized(.benchMetricNeverApplied) }
    static var metricFailedButApplied: String { localized(.benchMetricFailedButApplied) }
    static var metricKillsRevivals: String { localized(.benchMetricKillsRevivals) }
    static var goalChaosGets: String { localized(.benchGoalChaosGets) }
    static var goalChaosTwice: String { localized(.benchGoalChaosTwice) }
    static var goalChaosLost: String { localized(.benchGoalChaosLost) }
    static var goalChaosBetter: String { localized(.benchGoalChaosBetter) }
    static func chaosScore(_ failedGets: Int, _ lost: Int, _ twice: Int) -> String {
        localized(.benchChaosScore, failedGets, lost, twice)
    }

    static var metricOutageFirst: String { localized(.benchMetricOutageFirst) }
    static var metricOutageAfter: String { localized(.benchMetricOutageAfter) }
    static var metricOutageClient: String { localized(.benchMetricOutageClient) }
    static var metricOutageSeries: String { localized(.benchMetricOutageSeries) }
    static var goalOutage: String { localized(.benchGoalOutage) }
    static func outageMeasured(client: String, nodes: String) -> String { localized(.benchOutageMeasured, client, nodes) }

    static var metricRecoveryEach: String { localized(.benchMetricRecoveryEach) }
    static var metricRecoveryWorst: String { localized(.benchMetricRecoveryWorst) }
    static func goalRecovery(limit: String) -> String { localized(.benchGoalRecovery, limit) }
    static func worstOf(_ value: String) -> String { localized(.benchWorstOf, value) }

    static var metricClientPeak: String { localized(.benchMetricClientPeak) }
    static func metricClientGrowth(_ requests: String) -> String { localized(.benchMetricClientGrowth, requests) }
    static var goalNoGrowthShort: String { localized(.benchGoalNoGrowthShort) }
    static var metricProxyPeak: String { localized(.benchMetricProxyPeak) }
    static var metricProxyGrowth: String { localized(.benchMetricProxyGrowth) }
    static var metricMemoryThroughput: String { localized(.benchMetricMemoryThroughput) }
    /// A throughput and how many requests failed: `12,345 req/s, 0 failed`.
    static func throughputAndFailures(_ rate: String, failures: String) -> String {
        localized(.benchThroughputAndFailures, rate, failures)
    }
    static var goalMemoryPeak: String { localized(.benchGoalMemoryPeak) }
    static func goalNoGrowth(_ requests: String) -> String { localized(.benchGoalNoGrowth, requests) }
    static func growth(from early: String, to end: String, delta: String) -> String { localized(.benchGrowth, early, end, delta) }
}
