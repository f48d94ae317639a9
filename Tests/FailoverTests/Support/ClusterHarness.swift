import Failover
import FailoverDemo
import CoreMetrics
import Foundation
import NIOCore
import Locking
import TestSupport

/// Starts demo nodes on 127.0.0.1 and a client for them; shuts both down afterwards.
func withClient<Result: Sendable>(
    nodes count: Int = 3,
    classifier: any ErrorClassifier = DefaultErrorClassifier(),
    metricsFactory: (any MetricsFactory)? = nil,
    configure: (inout FailoverClient.Configuration) -> Void = { _ in },
    _ body: (DemoCluster, FailoverClient) async throws -> Result
) async throws -> Result {
    try await withClient(
        of: try await DemoCluster.start(count: count), classifier: classifier, metricsFactory: metricsFactory, configure: configure, body)
}

/// A client for the nodes of `cluster` (quick timeouts, no health checks, no remembered selection);
/// shuts both down afterwards.
func withClient<Result: Sendable>(
    of cluster: DemoCluster,
    classifier: any ErrorClassifier = DefaultErrorClassifier(),
    metricsFactory: (any MetricsFactory)? = nil,
    configure: (inout FailoverClient.Configuration) -> Void = { _ in },
    _ body: (DemoCluster, FailoverClient) async throws -> Result
) async throws -> Result {
    var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
    configuration.timeouts = .init(request: .seconds(2), total: .seconds(6), connect: .seconds(1))
    configuration.retry.baseDelay = .milliseconds(5)
    configuration.retry.maxDelay = .milliseconds(20)
    configuration.healthCheck.interval = .zero
    configuration.selectionTTL = .zero
    configure(&configuration)
    configuration.timeouts = configuration.timeouts.scaledForTestRun
    let client = FailoverClient(configuration: configuration, classifier: classifier, metricsFactory: metricsFactory ?? NOOPMetricsHandler.instance)
    do {
        let result = try await body(cluster, client)
        try await client.shutdown()
        await cluster.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        await cluster.shutdown()
        throw error
    }
}

extension FailoverClient {
    /// Sends a request and returns the failover error it throws, or `nil` when it succeeds.
    func failure(_ request: FailoverRequest) async -> FailoverError? {
        do {
            _ = try await execute(request)
            return nil
        } catch let error as FailoverError {
            return error
        } catch {
            return nil
        }
    }
}

/// Records the events of a client from now on.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let events = LockedValue<[FailoverEvent]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ client: FailoverClient) {
        let stream = client.events
        let storage = storage
        task = Task {
            for await event in stream { storage.events.withLock { $0.append(event) } }
        }
    }

    /// The events so far, after giving the stream a moment to deliver what is buffered.
    func events() async -> [FailoverEvent] {
        try? await Task.sleep(for: .milliseconds(50))
        return storage.events.withLock { $0 }
    }

    /// Waits until an event matches, for at most `limit` (a guard against hanging, not a timing goal).
    @discardableResult
    func wait(upTo limit: Duration = .seconds(10), for predicate: (FailoverEvent) -> Bool) async -> FailoverEvent? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if let event = storage.events.withLock({ $0.first(where: predicate) }) { return event }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    deinit { task.cancel() }
}

extension ByteBuffer {
    init(text: String) { self.init(string: text) }
}
