import Failover
import FailoverDemo
import Foundation
import Localization
import Logging
import MetricsTestKit
import NIOCore
import Testing
import Locking

@Suite("Failback, selection, runtime changes")
struct FailbackTests {
    static func activeChecks(_ failback: FailoverClient.Configuration.Failback) -> (inout FailoverClient.Configuration) -> Void {
        { configuration in
            configuration.healthCheck.interval = .milliseconds(60)
            configuration.healthCheck.timeout = .milliseconds(300)
            configuration.healthCheck.rise = 2
            configuration.healthCheck.fall = 2
            configuration.failback = failback
        }
    }

    @Test func aKilledPrimaryComesBackAndAutomaticFailbackReturnsToIt() async throws {
        try await withClient(configure: Self.activeChecks(.automatic)) { cluster, client in
            let log = EventLog(client)
            await cluster[0].kill()
            #expect(try await client.get("/api/stats").node.index == 1)
            #expect(await log.wait { if case .nodeDown(0, _, _) = $0 { true } else { false } } != nil)
            try await cluster[0].revive()
            let failback = await log.wait { if case .switchedNode(_, 0, _, .failback) = $0 { true } else { false } }
            #expect(failback != nil)
            #expect(failback?.message(in: .english) == "Back to node 0 (\(cluster.baseURLs[0])): it is healthy again")
            #expect(client.status().current == 0)
            #expect(client.status().nodes[0].state == .healthy)
            #expect(await log.events().contains { if case .nodeRecovered(0, _) = $0 { true } else { false } })
            #expect(try await client.get("/api/stats").node.index == 0)
        }
    }

    @Test func withManualFailbackTheClientStays() async throws {
        try await withClient(configure: Self.activeChecks(.manual)) { cluster, client in
            let log = EventLog(client)
            await cluster[0].kill()
            #expect(try await client.get("/api/stats").node.index == 1)
            try await cluster[0].revive()
            #expect(await log.wait { if case .nodeRecovered(0, _) = $0 { true } else { false } } != nil)
            // Several more check rounds (60 ms apart): still no failback.
            await log.wait(upTo: .milliseconds(400)) { _ in false }
            #expect(client.status().current == 1)
            #expect(!(await log.events()).contains { if case .switchedNode(_, _, _, .failback) = $0 { true } else { false } })
            #expect(try await client.get("/api/stats").node.index == 1)
        }
    }

    @Test func aFlappingNodeCausesNoStormOfSwitches() async throws {
        try await withClient(configure: { $0.healthCheck.rise = 2; $0.healthCheck.fall = 1 }) { cluster, client in
            let log = EventLog(client)
            for round in 0..<20 {
                await cluster[0].setFault(round.isMultiple(of: 2) ? .status(503) : .none)
                await client.checkAllNodes()
                _ = try await client.get("/api/stats")
            }
            let switches = await log.events().filter { $0.kind == "switchedNode" }
            #expect(switches.count == 1, "\(switches)")
            #expect(client.status().current == 1)
        }
    }

    @Test func disablingTheCurrentNodeMovesOnAndEnablingBringsItBack() async throws {
        try await withClient(configure: Self.activeChecks(.automatic)) { cluster, client in
            let log = EventLog(client)
            try client.disable(node: 0)
            #expect(client.status().current == 1)
            #expect(client.status().nodes[0].state == .disabled)
            #expect(try await client.get("/api/stats").node.index == 1)
            let before = await cluster[0].requestCount(path: "/api/stats")
            _ = try await client.get("/api/stats")
            #expect(await cluster[0].requestCount(path: "/api/stats") == before)
            try client.enable(node: 0)
            #expect(await log.wait { if case .switchedNode(_, 0, _, .failback) = $0 { true } else { false } } != nil)
            #expect(try await client.get("/api/stats").node.index == 0)
            let disabled = await log.events().first { if case .switchedNode(_, _, _, .disabled) = $0 { true } else { false } }
            #expect(disabled?.message(in: .french) == "Basculement vers le nœud 1 (\(cluster.baseURLs[1]))\u{00A0}: le nœud courant a été désactivé")
        }
    }

    @Test func aHandPickedNodeIsNotUndoneByFailback() async throws {
        try await withClient(configure: Self.activeChecks(.automatic)) { _, client in
            let log = EventLog(client)
            try client.use(node: 2)
            await log.wait(upTo: .milliseconds(400)) { _ in false }
            #expect(client.status().current == 2)
            try client.recover()
            #expect(client.status().current == 0)
        }
    }

    @Test func prioritiesChangeTheOrder() async throws {
        try await withClient { cluster, client in
            try client.setPriority(-1, node: 2)
            await cluster[0].kill()
            #expect(try await client.get("/api/stats").node.index == 2)
        }
    }

    @Test func nodesCanBeAddedAndRemovedAtRunTime() async throws {
        let extra = try await DemoNode.start(name: "extra")
        try await withClient(nodes: 1) { cluster, client in
            let added = try client.addNode(try NodeURL.parse(extra.baseURL).get())
            #expect(added.index == 1)
            await cluster[0].kill()
            #expect(try await client.get("/api/stats").node.url.description == extra.baseURL)
            try client.removeNode(0)
            #expect(client.status().nodes.map(\.url.description) == [extra.baseURL])
            #expect(try await client.get("/api/stats").node.index == 0)
            #expect(throws: ConfigurationError.self) { try client.addNode(try NodeURL.parse(extra.baseURL).get()) }
        }
        await extra.shutdown()
    }
}

@Suite("Remembered selection")
struct RememberedSelectionTests {
    func configuration(_ cluster: DemoCluster, stateFile: String, ttl: Duration) throws -> FailoverClient.Configuration {
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
        configuration.stateFile = stateFile
        configuration.selectionTTL = ttl
        configuration.healthCheck.interval = .seconds(60)
        return configuration
    }

    @Test func aNewClientStartsOnTheRememberedNodeWithoutAskingTheOthers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateFile = directory.path + "/state/selection.json"
        let cluster = try await DemoCluster.start(count: 3)
        await cluster[0].kill()
        let first = FailoverClient(configuration: try configuration(cluster, stateFile: stateFile, ttl: .seconds(300)))
        _ = try await first.get("/api/stats")
        #expect(first.status().current == 1)
        try await first.shutdown()
        let attributes = try FileManager.default.attributesOfItem(atPath: stateFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        try await cluster[0].revive()
        for node in cluster.nodes { await node.resetCounters() }
        let second = FailoverClient(configuration: try configuration(cluster, stateFile: stateFile, ttl: .seconds(300)))
        let log = EventLog(second)
        let response = try await second.get("/api/stats")
        #expect(response.node.index == 1)
        #expect(response.attempts.count == 1)
        #expect(await cluster[0].requestCount == 0)
        #expect(await cluster[2].requestCount == 0)
        #expect(second.status().nodes[0].state == .down)
        _ = await log.events()
        try await second.shutdown()

        // After the TTL: a health-check round at start, and failback to the primary.
        for node in cluster.nodes { await node.resetCounters() }
        let third = FailoverClient(configuration: try configuration(cluster, stateFile: stateFile, ttl: .milliseconds(1)))
        let thirdLog = EventLog(third)
        #expect(await thirdLog.wait { if case .healthCheckDone(let result) = $0 { result.node == 2 } else { false } } != nil)
        #expect(await cluster[0].requestCount(path: "/health") >= 1)
        #expect(try await third.get("/api/stats").node.index == 0)
        try third.clearRememberedSelection()
        #expect(!FileManager.default.fileExists(atPath: stateFile))
        try await third.shutdown()
        await cluster.shutdown()
    }

    @Test func aCorruptStateFileIsIgnoredWithAWarning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateFile = try directory.write("selection.json", "{ this is not json")
        let cluster = try await DemoCluster.start(count: 2)
        let logs = CapturedLogs()
        let client = FailoverClient(
            configuration: try configuration(cluster, stateFile: stateFile, ttl: .seconds(300)),
            logger: Logger(label: "test", factory: { _ in logs.handler() }))
        #expect(try await client.get("/api/stats").node.index == 0)
        let warnings = logs.messages.filter { $0.level == .warning }.map(\.text)
        #expect(warnings.contains { $0.contains("Remembered selection in \(stateFile) ignored") || $0.contains("Sélection mémorisée dans \(stateFile) ignorée") })
        try await client.shutdown()
        await cluster.shutdown()
    }

    @Test func forceRefreshReselectsTheBestHealthyNode() async throws {
        try await withClient(configure: { $0.failback = .manual }) { cluster, client in
            await cluster[0].kill()
            _ = try await client.get("/api/stats")
            try await cluster[0].revive()
            #expect(client.status().current == 1)
            let results = await client.forceRefresh()
            #expect(results.map(\.healthy) == [true, true, true])
            #expect(client.status().current == 0)
        }
    }
}

/// Captures log lines for assertions.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var text: String
    }

    private let lines = LockedValue<[Line]>([])
    var messages: [Line] { lines.withLock { $0 } }

    func handler() -> some LogHandler {
        CapturingHandler(sink: self)
    }

    fileprivate func append(_ line: Line) { lines.withLock { $0.append(line) } }

    private let details = LockedValue<[String]>([])
    /// The metadata and errors of the lines, as text.
    var detailText: [String] { details.withLock { $0 } }
    fileprivate func appendDetail(_ text: String) { details.withLock { $0.append(text) } }
}

private struct CapturingHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.append(.init(level: event.level, text: event.message.description))
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let error = event.error.map { String(describing: $0) } ?? ""
        if !all.isEmpty || !error.isEmpty { sink.appendDetail(all.map { "\($0)=\($1)" }.sorted().joined(separator: " ") + " " + error) }
    }
}

@Suite("Configuration reloading and metrics")
struct ReloadAndMetricsTests {
    @Test func addingABackupToTheEnvFilePutsItInService() async throws {
        let cluster = try await DemoCluster.start(count: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", "API_BASE_URL=\(cluster.baseURLs[0])\nBACKUP_URL_1=\(cluster.baseURLs[1])\nHEALTH_CHECK_INTERVAL=0\n")
        var configuration = try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
        configuration.reloadCheckInterval = .milliseconds(50)
        configuration.selectionTTL = .zero
        let client = FailoverClient(configuration: configuration)
        let log = EventLog(client)
        // A request in flight during the reload completes.
        let inFlight = Task { try await client.get("/api/slow?ms=300") }
        try await Task.sleep(for: .milliseconds(50))
        try directory.write(".env", "API_BASE_URL=\(cluster.baseURLs[0])\nBACKUP_URL_1=\(cluster.baseURLs[1])\nBACKUP_URL_3=\(cluster.baseURLs[2])\nHEALTH_CHECK_INTERVAL=0\n")
        #expect(await log.wait { $0 == .configurationReloaded(nodeCount: 3) } != nil)
        #expect(try await inFlight.value.status == .ok)
        #expect(client.status().nodes.map(\.url.description) == cluster.baseURLs)
        await cluster[0].kill()
        await cluster[1].kill()
        #expect(try await client.get("/api/stats").node.url.description == cluster.baseURLs[2])

        // An invalid file does not replace the configuration in force.
        try directory.write(".env", "API_BASE_URL=ftp://nowhere\n")
        let failed = await log.wait { $0.kind == "configurationReloadFailed" }
        #expect(failed?.message(in: .english).contains("API_BASE_URL") == true)
        #expect(client.status().nodes.count == 3)
        try await client.shutdown()
        await cluster.shutdown()
    }

    @Test func aHangUpSignalReloads() async throws {
        let cluster = try await DemoCluster.start(count: 2)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", "API_BASE_URL=\(cluster.baseURLs[0])\nHEALTH_CHECK_INTERVAL=0\nSELECTION_TTL=0\n")
        var configuration = try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
        configuration.reloadCheckInterval = .seconds(3600)
        let client = FailoverClient(configuration: configuration)
        let log = EventLog(client)
        try directory.write(".env", "API_BASE_URL=\(cluster.baseURLs[0])\nBACKUP_URL_1=\(cluster.baseURLs[1])\nHEALTH_CHECK_INTERVAL=0\nSELECTION_TTL=0\n")
        // The signal source is armed asynchronously after the client starts: signal until it is heard.
        let reloaded = Task {
            await log.wait { $0 == .configurationReloaded(nodeCount: 2) }
        }
        let sender = Task {
            while !Task.isCancelled {
                kill(getpid(), SIGHUP)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(await reloaded.value != nil)
        sender.cancel()
        try await client.shutdown()
        await cluster.shutdown()
    }

    @Test func metricsAreRecordedWithFixedDimensions() async throws {
        let metrics = TestMetrics()
        try await withClient(nodes: 2, metricsFactory: metrics) { cluster, client in
            await cluster[0].setFault(.status(500))
            _ = try await client.get("/api/stats")
            _ = try await client.checkNode(1)
            let failures = try metrics.expectCounter("failover_attempts_total", [("node", "0"), ("outcome", "failure")])
            #expect(failures.totalValue == 1)
            let successes = try metrics.expectCounter("failover_attempts_total", [("node", "1"), ("outcome", "success")])
            #expect(successes.totalValue == 1)
            #expect(try metrics.expectTimer("failover_attempt_duration_seconds", [("node", "1")]).values.count == 1)
            #expect(try metrics.expectCounter("failover_health_checks_total", [("node", "1"), ("result", "healthy")]).totalValue == 1)
            #expect(try metrics.expectCounter("failover_switches_total", [("reason", "failover")]).totalValue == 1)
        }
    }
}
