import Localization
public import ServiceLifecycle

extension FailoverClient {
    /// Runs a health check of every enabled node now, concurrently, and feeds the results to the
    /// nodes' states (and to failback when `FAILBACK=auto`).
    ///
    /// - Returns: One result per enabled node, by index.
    @discardableResult
    public func checkAllNodes() async -> [HealthCheckResult] {
        let configuration = settings.configuration
        let nodes = cluster.status().nodes.filter { $0.state != .disabled && $0.node.isEnabled }.map(\.node)
        let results = await healthChecker.check(nodes, settings: configuration.healthCheck)
        for (node, result) in zip(nodes, results) {
            cluster.recordHealthCheck(result, node: node, failback: configuration.failback)
        }
        return results
    }

    /// Runs a health check of one node now.
    ///
    /// - Parameter index: The node's index.
    /// - Returns: The result.
    /// - Throws: ``FailoverError`` `invalidNode`.
    public func checkNode(_ index: Int) async throws(FailoverError) -> HealthCheckResult {
        let configuration = settings.configuration
        let nodes = cluster.nodes
        guard nodes.indices.contains(index) else {
            throw FailoverError(.invalidNode, nodeCount: nodes.count, subject: String(index))
        }
        let result = await healthChecker.check(nodes[index], settings: configuration.healthCheck)
        cluster.recordHealthCheck(result, node: nodes[index], failback: configuration.failback)
        return result
    }

    /// Checks every node now and makes the best healthy one (by priority) current, whatever the
    /// failback policy and the remembered selection.
    ///
    /// - Returns: The health check results.
    @discardableResult
    public func forceRefresh() async -> [HealthCheckResult] {
        let results = await checkAllNodes()
        cluster.selectBest(among: Set(results.filter(\.healthy).map(\.url)))
        return results
    }

    /// A swift-service-lifecycle `Service` that runs the active health checks, for applications that
    /// create the client with `runsHealthChecks: false` and run their services in a `ServiceGroup`.
    public var healthCheckService: HealthCheckService { HealthCheckService(client: self) }

    /// Checks every `HEALTH_CHECK_INTERVAL` (± 10 % jitter, so that many clients do not check in step)
    /// until cancelled.
    func runHealthChecks(checkAtStart: Bool) async {
        await Self.runHealthChecks(checkAtStart: checkAtStart) { self }
    }

    /// The rounds of health checks, every `HEALTH_CHECK_INTERVAL` (± 10 %), until cancelled or
    /// until `client` returns `nil`: the client's own loop holds it weakly, so that a client
    /// dropped without ``shutdown()`` goes away (it is held only during a round).
    static func runHealthChecks(checkAtStart: Bool, client: @Sendable () -> FailoverClient?) async {
        var first = true
        while !Task.isCancelled {
            if !(first && checkAtStart) {
                guard let interval = client()?.settings.configuration.healthCheck.interval, interval > .zero else { return }
                let jitter = Double.random(in: 0.9...1.1)
                do { try await Task.sleep(for: interval * jitter) } catch { return }
            }
            first = false
            guard let client = client() else { return }
            await client.checkAllNodes()
        }
    }
}

/// Runs a client's active health checks as a swift-service-lifecycle `Service`: every
/// `HEALTH_CHECK_INTERVAL` until the service group shuts down.
public struct HealthCheckService: Service {
    let client: FailoverClient

    /// Runs the checks until cancelled or until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await client.runHealthChecks(checkAtStart: true)
        }
    }
}
