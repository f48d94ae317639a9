import Failover
import FailoverDemo
import Foundation
import NIOCore
import NIOPosix

/// What every scenario runs against: three demo nodes sharing one ledger, the proxies in front of
/// them, and the run's settings.
final class BenchEnvironment: Sendable {
    let settings: BenchSettings
    let cluster: DemoCluster
    let proxies: ProxyController

    /// The nodes, primary first.
    var nodes: [DemoNode] { cluster.nodes }
    /// Their base URLs.
    var urls: [String] { cluster.baseURLs }

    init(settings: BenchSettings, cluster: DemoCluster, proxies: ProxyController) {
        self.settings = settings
        self.cluster = cluster
        self.proxies = proxies
    }

    /// The event loops of the nodes, apart from the clients' (the process's shared ones).
    ///
    /// On shared event loops, a client's connection and the node's end of it are served by one
    /// thread or by two, as connections happen to be placed, and the two cost differently: at c=1
    /// the same client measured 0.77x or 1.06x of another from one run to the next. On loops of
    /// their own, every client's connection crosses threads the same way.
    static let nodeLoops = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)

    /// Starts the nodes and picks the proxies' ports.
    static func start(settings: BenchSettings) async throws -> BenchEnvironment {
        let cluster = try await DemoCluster.start(count: 3, group: nodeLoops)
        let nodePorts = cluster.nodes.map(\.port)
        let listen = FreePort.pick(2, excluding: Set(nodePorts))
        let proxies = ProxyController(
            script: settings.proxyScript, skipped: settings.skipProxies, nodePorts: nodePorts,
            listenPorts: [.haproxy: listen.first ?? 0, .nginx: listen.last ?? 0])
        return BenchEnvironment(settings: settings, cluster: cluster, proxies: proxies)
    }

    /// Stops the proxies and the nodes.
    func shutdown() async {
        await proxies.stop()
        await cluster.shutdown()
    }

    /// Every node alive, without fault, counters at zero.
    func heal() async {
        for node in nodes {
            if !(await node.isAlive) { try? await node.revive() }
            await node.setFault(.none)
            await node.resetCounters()
        }
    }

    /// Requests the nodes received on `path`, all nodes together.
    func received(path: String) async -> Int {
        var total = 0
        for node in nodes { total += await node.requestCount(path: path) }
        return total
    }

    /// The cell of a proxy column that cannot be measured.
    func missingCell(_ column: Column) -> Cell {
        column == .failover ? .failed : proxies.state(of: column).missingCell
    }

    /// Healthy nodes and a fresh client for `column`, warmed up with `warmUp` requests: a new
    /// failover client (proxies stopped), or a plain client through a freshly started proxy.
    ///
    /// - Returns: `nil` when the proxy is unavailable or skipped.
    ///
    /// `loadBalancing` is the failover client's policy; `proxyBalance` and `observe` the proxies'
    /// counterparts (`Resources/bench/proxies.sh`).
    func prepare(
        _ column: Column, hedgeDelay: Duration? = nil, stallDetection: FailoverClient.Configuration.StallDetection = .automatic,
        warmUp: Int = 200, loadBalancing: LoadBalancing = .failover, proxyBalance: ProxyController.Balance = .failover,
        observe: Bool = false, maxConnections: Int = 1_024
    ) async throws -> (any RequestDriver)? {
        await heal()
        let driver: any RequestDriver
        switch column {
        case .failover:
            await proxies.stop()
            driver = FailoverDriver(configuration: try settings.failoverConfiguration(
                urls: urls, hedgeDelay: hedgeDelay, stallDetection: stallDetection, loadBalancing: loadBalancing))
        case .haproxy, .nginx:
            guard proxies.state(of: column).isAvailable else { return nil }
            await proxies.start(balance: proxyBalance, observe: observe)
            guard case .running = proxies.state(of: column) else { return nil }
            // Enough connections that every request reaches the proxy at once: what is measured is the
            // proxy's failover, not the queue of the client in front of it.
            driver = PlainDriver(baseURL: proxies.baseURL(of: column), timeout: BenchSettings.totalTimeout, maxConnections: maxConnections)
            guard await waitUntilAnswering(driver) else {
                await driver.shutdown()
                return nil
            }
        }
        for _ in 0..<warmUp { _ = await driver.send(.stats) }
        await heal()
        return driver
    }

    /// Waits up to 5 s for a 2xx through a proxy just started.
    private func waitUntilAnswering(_ driver: any RequestDriver) async -> Bool {
        for _ in 0..<100 {
            if await driver.send(.stats).succeeded { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

/// One scenario of the benchmark.
protocol Scenario: Sendable {
    /// Its name on the command line and in the table.
    var name: String { get }
    /// What it measures, one line.
    var summary: String { get }
    /// Runs it on every column.
    func run(in bench: BenchEnvironment) async throws -> ScenarioReport
}

/// Every scenario, in the order of the issue.
enum Scenarios {
    static let all: [any Scenario] = [
        OverheadScenario(), RefusedScenario(), HangScenario(), Error503Scenario(), ChaosScenario(), OutageScenario(),
        RecoveryScenario(), MemoryScenario(), TLSScenario(), BalanceScenario(), GrayScenario(), SoakScenario(),
    ]

    /// What runs when no scenario is named: all but `soak` (ten minutes of its own).
    static var byDefault: [any Scenario] { all.filter { $0.name != "soak" } }

    static func named(_ name: String) -> (any Scenario)? { all.first { $0.name == name } }
}
