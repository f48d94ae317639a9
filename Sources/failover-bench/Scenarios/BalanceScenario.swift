import Failover
import OrderedJSON

/// `balance`: three healthy nodes in one level, concurrency 64: the throughput and the spread of
/// requests over the nodes, for the failover client's `round_robin` and `least_request` against
/// HAProxy (`balance roundrobin`, `balance leastconn`) and nginx (its round robin, `least_conn`).
struct BalanceScenario: Scenario {
    let name = "balance"
    var summary: String { BenchText.summaryBalance }
    static let concurrency = 64

    struct Measurement: Sendable {
        var throughput: Double
        var perNode: [Int]
        var failures: Int

        /// Each node's share of the requests, in percent.
        var shares: [Int] {
            let total = max(1, perNode.reduce(0, +))
            return perNode.map { Int((Double($0) * 100 / Double(total)).rounded()) }
        }

        var json: JSONValue {
            .object([
                ("throughput", .decimal(throughput)), ("perNode", .array(perNode.map { .integer($0) })), ("failures", .integer(failures)),
            ])
        }
    }

    private struct Policy: Sendable {
        var key: String
        var label: String
        var ours: LoadBalancing
        var proxies: ProxyController.Balance
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let policies = [
            Policy(key: "roundRobin", label: BenchText.labelRoundRobin, ours: .roundRobin, proxies: .roundRobin),
            Policy(key: "leastRequest", label: BenchText.labelLeastRequest, ours: .leastRequest, proxies: .leastConnections),
        ]
        let total = bench.settings.scaled(60_000, atLeast: 2_000)
        var report = ScenarioReport(name: name)
        var json: [(String, JSONValue)] = []
        for policy in policies {
            var results: [Column: Measurement] = [:]
            for column in Column.allCases {
                guard let driver = try await bench.prepare(
                    column, loadBalancing: policy.ours, proxyBalance: policy.proxies, maxConnections: PlainDriver.maxConnections)
                else { continue }
                let result = await ClosedLoop(concurrency: Self.concurrency, requests: total, timeLimit: .seconds(120))
                    .run(driver: driver, request: .stats)
                var perNode: [Int] = []
                for node in bench.nodes { perNode.append(await node.requestCount(path: BenchRequest.statsPath)) }
                await driver.shutdown()
                results[column] = Measurement(throughput: result.throughput, perNode: perNode, failures: result.failures)
            }
            func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
                Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0, results[$0].map { .text(value($0)) } ?? bench.missingCell($0)) })
            }
            report.add(BenchText.metricBalanceThroughput(policy.label), cells { "\(Format.rate($0.throughput)), \(Format.count($0.failures))" })
            report.add(BenchText.metricBalanceShares(policy.label), cells { $0.shares.map { Format.percent(whole: $0) }.joined(separator: " / ") })
            json.append((policy.key, .object(results.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value.json) })))
        }
        await bench.proxies.stop()
        await bench.heal()
        report.results = json
        return report
    }
}
