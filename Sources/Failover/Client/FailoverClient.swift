public import CoreMetrics
public import Logging
public import NIOCore
public import NIOHTTP1
@_exported public import Localization
import Synchronization
public import Tracing
import Locking

/// An HTTP client for an API served by several interchangeable nodes: it sends each request to the
/// current node, retries, and fails over to the next healthy node when one dies, hangs or answers 5xx.
///
/// ```swift
/// let configuration = try FailoverClient.Configuration.load()   // API_BASE_URL, BACKUP_URL_n, ...
/// try await withFailoverClient(configuration: configuration) { client in
///     let response = try await client.get("/api/stats")
///     print(response.status, response.node.index, response.bodyText)
/// }
/// ```
///
/// Unless told otherwise, the client also runs in the background: active health checks every
/// `HEALTH_CHECK_INTERVAL`, the remembered selection in `STATE_FILE`, and the reloading of its
/// `.env` files when they change or on SIGHUP. One `FailoverClient` owns one AsyncHTTPClient
/// `HTTPClient`; call ``shutdown()`` when done, or use ``withFailoverClient(configuration:transport:classifier:logger:_:)``.
public final class FailoverClient: Sendable {
    let settings: ClientSettings
    let cluster: ClusterState
    let healthChecker: HealthChecker
    let selectionStore: SelectionStore?
    let logger: Logger
    let pipeline: RequestPipeline
    let transport: any Transport
    let classifier: any ErrorClassifier
    /// Spans of requests, attempts and health checks; `nil` with the no-op tracer.
    let tracing: FailoverTracing?
    private let background = LockedValue<[Task<Void, Never>]>([])
    private let signalWatcher = LockedValue<SignalWatcher?>(nil)
    private let isShutDown = Atomic(false)
    let selectionCleared = LockedValue(false)

    /// The configuration in force (it changes when the `.env` files are reloaded).
    public var configuration: Configuration { settings.configuration }

    /// Creates a client, and starts its background work.
    ///
    /// - Parameters:
    ///   - configuration: The nodes and settings.
    ///   - transport: How attempts are sent; `nil` for AsyncHTTPClient.
    ///   - classifier: How outcomes are judged; the default rules of ``DefaultErrorClassifier`` when omitted.
    ///   - logger: Where the client logs; nothing is logged when omitted.
    ///   - metricsFactory: Where metrics go; the process-wide `MetricsSystem.factory` when omitted.
    ///   - runsHealthChecks: Whether the client runs its own active health checks; pass `false` and
    ///     add ``healthCheckService`` to a swift-service-lifecycle `ServiceGroup` to run them there.
    ///   - tracer: Where spans go; the process-wide `InstrumentationSystem.tracer` as it is now when
    ///     omitted (bootstrap it before making clients). The library never bootstraps one.
    public init(
        configuration: Configuration, transport: (any Transport)? = nil,
        classifier: any ErrorClassifier = DefaultErrorClassifier(),
        logger: Logger = Logger(label: "swift-failover", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        runsHealthChecks: Bool = true,
        tracer: (any Tracer)? = nil
    ) {
        let tracing = FailoverTracing(tracer ?? InstrumentationSystem.tracer)
        self.tracing = tracing
        if let language = configuration.language { Language.current = language }
        settings = ClientSettings(configuration)
        self.logger = logger
        let transport = transport ?? HTTPClientTransport(configuration: configuration)
        self.transport = transport
        self.classifier = classifier
        healthChecker = HealthChecker(transport: transport, tracing: tracing)
        let nodes = configuration.resolvedNodes
        cluster = ClusterState(
            nodes: nodes, rise: configuration.healthCheck.rise, fall: configuration.healthCheck.fall,
            broadcaster: EventBroadcaster(), metrics: MetricsRecorder(factory: metricsFactory, nodeCount: nodes.count),
            policy: configuration.loadBalancing, outliers: configuration.outlierDetection)
        pipeline = RequestPipeline(
            settings: settings, transport: transport, classifier: classifier, cluster: cluster,
            budget: configuration.retry.budget.map { RetryBudget($0) }, logger: logger, tracing: tracing)
        let urls = configuration.nodes.map(\.description)
        selectionStore = configuration.selectionTTL > .zero || configuration.stateFile != nil
            ? SelectionStore(path: configuration.stateFile ?? SelectionStore.defaultPath(nodes: urls, environment: ProcessEnvironment.variables))
            : nil
        let restored = restoreSelection()
        startBackgroundWork(runsHealthChecks: runsHealthChecks, checkAtStart: !restored)
    }

    /// Sends a request through the failover pipeline.
    ///
    /// - Parameter request: The request.
    /// - Returns: The first response the classifier delivers, with the node that answered and every attempt.
    /// - Throws: ``FailoverError`` (`allNodesUnavailable`, `timeout`, `notResent`, `requestFailed`,
    ///   `invalidRequest`), or `CancellationError` when the calling task is cancelled.
    public func execute(_ request: FailoverRequest) async throws -> FailoverResponse {
        guard !isShutDown.load(ordering: .acquiring) else { throw FailoverError(.shutdown, nodeCount: cluster.nodeCount, request: request) }
        guard let tracing else { return try await pipeline.execute(request) }
        return try await tracing.request(request, describe: { (Int($0.status.code), $0.node.index, $0.attempts.count) }) {
            try await pipeline.execute(request)
        }
    }

    /// Runs the failover algorithm with a custom way of sending one attempt (the OpenAPI
    /// middleware calls the next middleware with each node's base URL).
    package func run<Payload: Sendable>(
        _ request: FailoverRequest, attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>
    ) async throws -> Delivered<Payload> {
        guard !isShutDown.load(ordering: .acquiring) else { throw FailoverError(.shutdown, nodeCount: cluster.nodeCount, request: request) }
        guard let tracing else { return try await pipeline.run(request, attempt: attempt) }
        return try await tracing.request(request, describe: { ($0.answer.status, $0.node.index, $0.attempts.count) }) {
            try await pipeline.run(request, attempt: attempt)
        }
    }

    /// Adds the current span's context to an attempt's headers (for senders other than the
    /// transport: the OpenAPI middleware).
    package func injectTraceContext(into headers: inout HTTPHeaders) {
        tracing?.inject(into: &headers)
    }

    /// Sends a GET request.
    ///
    /// - Parameters:
    ///   - path: The path and query, relative to the nodes' base URLs.
    ///   - headers: Request headers.
    /// - Returns: The response.
    public func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> FailoverResponse {
        try await execute(FailoverRequest(method: .GET, path: path, headers: headers))
    }

    /// Sends a POST request. It fails over after reaching a node only with an `Idempotency-Key` header.
    ///
    /// - Parameters:
    ///   - path: The path and query, relative to the nodes' base URLs.
    ///   - body: The body.
    ///   - headers: Request headers.
    /// - Returns: The response.
    public func post(_ path: String, body: ByteBuffer, headers: HTTPHeaders = [:]) async throws -> FailoverResponse {
        try await execute(FailoverRequest(method: .POST, path: path, headers: headers, body: body))
    }

    /// Opens a stream of Server-Sent Events that fails over: when the node serving it dies, resets
    /// or goes silent longer than `options.idleTimeout`, it resumes on the next healthy node with
    /// `Last-Event-ID`, after the server's `retry:` delay (jittered).
    ///
    /// - Parameters:
    ///   - path: The path and query of the stream.
    ///   - headers: Request headers (`Accept: text/event-stream` is set).
    ///   - options: Idle timeout, default retry delay, the id to resume after.
    /// - Returns: The events; iterate them, and cancel the task (or stop iterating) to close it.
    public func eventStream(path: String, headers: HTTPHeaders = [:], options: EventStreamOptions = EventStreamOptions()) -> ServerSentEvents {
        ServerSentEvents(session: EventStreamSession(
            path: path, headers: headers, options: options, settings: settings, transport: transport,
            classifier: classifier, cluster: cluster, logger: logger))
    }

    /// A new stream of the client's events from now on (attempts failed, retries, switches, nodes
    /// down and recovered, health checks, reloads).
    ///
    /// Each call returns its own stream; it ends when the client shuts down.
    public var events: AsyncStream<FailoverEvent> { cluster.broadcaster.subscribe() }

    /// Calls `observer` for every event from now on, synchronously, on the task that produced it
    /// (after the client's locks are released), before any ``events`` stream sees it.
    ///
    /// For status displays that must be up to date when a request returns; keep the observer fast.
    public func observeEvents(_ observer: @escaping @Sendable (FailoverEvent) -> Void) {
        cluster.broadcaster.observe(observer)
    }

    /// A snapshot of every node: state, metrics, badge, and which one is current.
    public func status() -> FailoverStatus { cluster.status() }

    /// Shuts the client down: stops the background work, ends the event streams and the HTTP
    /// client. Idempotent.
    public func shutdown() async throws {
        guard isShutDown.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        signalWatcher.withLock { $0?.cancel() }
        let tasks = background.withLock { $0 }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        saveSelection(onShutdown: true)
        cluster.broadcaster.finish()
        try await transport.shutdown()
    }

    /// A client dropped without ``shutdown()`` is shut down in the background: its work stops, its
    /// event streams end, and its connections close once the requests still running end (nothing
    /// is leaked, and AsyncHTTPClient's check for an HTTP client never shut down is not hit). Call
    /// ``shutdown()`` to wait for it.
    deinit {
        guard isShutDown.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        signalWatcher.withLock { $0?.cancel() }
        for task in background.withLock({ $0 }) { task.cancel() }
        cluster.broadcaster.finish()
        let transport = transport
        Task { try? await transport.shutdown() }
    }

    /// Adds a task to the client's background work, cancelled and awaited at shutdown.
    func own(_ work: @escaping @Sendable () async -> Void) {
        let task = Task { await work() }
        background.withLock { $0.append(task) }
    }

    private func startBackgroundWork(runsHealthChecks: Bool, checkAtStart: Bool) {
        let stream = cluster.broadcaster.subscribe()
        own { [weak self] in
            for await event in stream where event.changesSelection {
                self?.saveSelection()
            }
        }
        if runsHealthChecks, configuration.healthCheck.interval > .zero {
            own { [weak self] in await Self.runHealthChecks(checkAtStart: checkAtStart) { [weak self] in self } }
        }
        if let origin = configuration.origin, configuration.reloadCheckInterval > .zero {
            own { [weak self] in await Self.watchConfiguration(origin) { [weak self] in self } }
            signalWatcher.withLock { $0 = SignalWatcher(onHangUp: { [weak self] in self?.reloadConfigurationLogged() }) }
        }
    }
}

extension FailoverEvent {
    /// Whether the event changes what is worth remembering in the state file.
    var changesSelection: Bool {
        switch self {
        case .switchedNode, .nodeDown, .nodeRecovered, .nodeAdded, .nodeRemoved: true
        default: false
        }
    }
}

/// Runs `body` with a new client and shuts it down afterwards, whatever happens.
///
/// - Parameters:
///   - configuration: The nodes and settings.
///   - transport: How attempts are sent; `nil` for AsyncHTTPClient.
///   - classifier: How outcomes are judged.
///   - logger: Where the client logs.
///   - body: The work to do with the client.
/// - Returns: What `body` returns.
public func withFailoverClient<Result: Sendable>(
    configuration: FailoverClient.Configuration, transport: (any Transport)? = nil,
    classifier: any ErrorClassifier = DefaultErrorClassifier(),
    logger: Logger = Logger(label: "swift-failover", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (FailoverClient) async throws -> Result
) async throws -> Result {
    let client = FailoverClient(configuration: configuration, transport: transport, classifier: classifier, logger: logger)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
