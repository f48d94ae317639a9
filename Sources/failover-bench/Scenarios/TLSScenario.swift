import Failover
import FailoverDemo
import Foundation
import NIOSSL
import OrderedJSON

/// `tls`: HTTPS + HTTP/2 nodes (three demo nodes of their own, certified by a CA made for the run).
///
/// - Throughput and latency of the failover client against a plain AsyncHTTPClient with the same
///   TLS configuration (the CA trusted, HTTP/2 by ALPN), c=1 and c=64, in paired rounds as `overhead`.
/// - The time to fail over to a node with no open connection: a new client whose primary is down
///   (connection refused) sends one request, which pays the backup's first TLS handshake; the same
///   over plain HTTP nodes, and one request on an open TLS connection, for comparison.
///
/// The proxies do not take part: what is measured is the client's TLS, not a proxy's.
struct TLSScenario: Scenario {
    let name = "tls"
    var summary: String { BenchText.summaryTLS }
    static let goal = 0.93

    private enum Contestant: Hashable, Sendable {
        case plain
        case failover
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        await bench.heal()
        await bench.proxies.stop()
        let authority = try DemoCertificateAuthority(name: "failover-bench CA")
        let ledger = DemoLedger()
        var nodes: [DemoNode] = []
        for index in 0..<3 {
            nodes.append(try await DemoNode.start(
                name: "tls-\(index)", ledger: ledger, group: BenchEnvironment.nodeLoops,
                tls: DemoTLS(identity: try authority.issue(commonName: "tls-\(index)"))))
        }
        do {
            let report = try await measure(on: nodes, authority: authority, in: bench)
            for node in nodes { await node.shutdown() }
            return report
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
    }

    private func measure(on nodes: [DemoNode], authority: DemoCertificateAuthority, in bench: BenchEnvironment) async throws -> ScenarioReport {
        let urls = nodes.map(\.baseURL)
        let clientTLS = FailoverClient.Configuration.TLS(additionalTrustRoots: try TLSCertificate.certificates(pem: authority.certificatePEM))
        var nio = TLSConfiguration.makeClientConfiguration()
        nio.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)))]

        var report = ScenarioReport(name: name)
        var json: [(String, JSONValue)] = []

        var configuration = try bench.settings.failoverConfiguration(urls: urls)
        configuration.tls = clientTLS
        let drivers: [Contestant: any RequestDriver] = [
            .plain: PlainDriver(baseURL: urls[0], readTimeout: BenchSettings.requestTimeout, tls: nio),
            .failover: FailoverDriver(configuration: configuration),
        ]
        for concurrency in OverheadScenario.concurrencies {
            let total = bench.settings.overheadRequests ?? bench.settings.scaled(concurrency == 1 ? 30_000 : 90_000, atLeast: 1_000)
            let measured = await PairedRounds().measure(drivers, order: [.plain, .failover], concurrency: concurrency, total: total)
            guard let plain = measured[.plain], let ours = measured[.failover] else { continue }
            let ratio = ours.ratio(to: plain)
            let spread = ours.roundRatios(to: plain)
            report.add(
                BenchText.metricTLSThroughput(concurrency: concurrency, direct: Format.rate(plain.throughput)),
                cells(.text("\(Format.rate(ours.throughput)) (\(Format.ratio(ratio)))")), goal: ">= " + Format.ratio(Self.goal))
            report.add(
                BenchText.metricTLSLatency(concurrency: concurrency, direct: Format.durations(plain.latencies.p50, plain.latencies.p99)),
                cells(.text(Format.durations(ours.latencies.p50, ours.latencies.p99))))
            report.check(
                BenchText.goalTLSThroughput(concurrency: concurrency),
                measured: BenchText.measuredRatio(
                    Format.ratio(ratio), low: Format.ratio(spread.min() ?? 0), high: Format.ratio(spread.max() ?? 0),
                    ours: Format.rate(ours.throughput), direct: Format.rate(plain.throughput)),
                met: ours.failures == 0 ? ratio >= Self.goal : false)
            json.append(("c\(concurrency)", .object([
                ("plainDirect", plain.json(baseline: nil)), ("failover", ours.json(baseline: plain)),
            ])))
        }
        for driver in drivers.values { await driver.shutdown() }

        // A first handshake: the primary refuses, the backup has no connection yet.
        let samples = bench.settings.scaled(200, atLeast: 20)
        await nodes[0].kill()
        let firstTLS = try await firstAnswers(urls: urls, tls: clientTLS, samples: samples, settings: bench.settings)
        try? await nodes[0].revive()
        await bench.nodes[0].kill()
        let firstHTTP = try await firstAnswers(urls: bench.urls, tls: nil, samples: samples, settings: bench.settings)
        await bench.heal()
        var warmConfiguration = try bench.settings.failoverConfiguration(urls: urls)
        warmConfiguration.tls = clientTLS
        let warmClient = FailoverDriver(configuration: warmConfiguration)
        let warm = await ClosedLoop(concurrency: 1, requests: samples + 100, timeLimit: .seconds(60)).run(driver: warmClient, request: .stats)
        await warmClient.shutdown()
        let warmStats = LatencyStats(Array(warm.latencies.dropFirst(100)))
        report.add(
            BenchText.metricFirstHandshake(plain: Format.durations(firstHTTP.p50, firstHTTP.p99)),
            cells(.text(Format.durations(firstTLS.p50, firstTLS.p99))))
        report.add(BenchText.metricWarmTLS, cells(.text(Format.durations(warmStats.p50, warmStats.p99))))
        json.append(("firstHandshake", .object([
            ("tls", firstTLS.json), ("http", firstHTTP.json), ("tlsOpenConnection", warmStats.json),
        ])))
        report.results = json
        return report
    }

    /// The latency of one request through a new client, `samples` times (each client is shut down
    /// before the next is made, so no connection carries over).
    private func firstAnswers(
        urls: [String], tls: FailoverClient.Configuration.TLS?, samples: Int, settings: BenchSettings
    ) async throws -> LatencyStats {
        var latencies: [Int64] = []
        for _ in 0..<samples {
            var configuration = try settings.failoverConfiguration(urls: urls)
            configuration.healthCheck.interval = .zero
            if let tls { configuration.tls = tls }
            let client = FailoverClient(configuration: configuration)
            let start = ContinuousClock.now
            let response = try? await client.get("/api/stats")
            let elapsed = start.duration(to: .now)
            latencies.append(response?.status.code == 200 && response?.node.index == 1 ? elapsed.nanosecondCount : .max)
            try? await client.shutdown()
        }
        return LatencyStats(latencies)
    }

    private func cells(_ ours: Cell) -> [Column: Cell] {
        [.failover: ours, .haproxy: .notApplicable, .nginx: .notApplicable]
    }
}
