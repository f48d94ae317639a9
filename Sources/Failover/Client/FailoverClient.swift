public import Logging
public import NIOCore
public import NIOHTTP1
import Localization
import Synchronization

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
/// One `FailoverClient` owns one AsyncHTTPClient `HTTPClient`; call ``shutdown()`` when done, or
/// use ``withFailoverClient(configuration:transport:classifier:logger:_:)``.
public final class FailoverClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let cluster: ClusterState
    private let pipeline: RequestPipeline
    private let transport: any Transport
    private let isShutDown = Mutex(false)
    private let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: The nodes and settings.
    ///   - transport: How attempts are sent; `nil` for AsyncHTTPClient.
    ///   - classifier: How outcomes are judged; the default rules of ``DefaultErrorClassifier`` when omitted.
    ///   - logger: Where the client logs; nothing is logged when omitted.
    public init(
        configuration: Configuration, transport: (any Transport)? = nil,
        classifier: any ErrorClassifier = DefaultErrorClassifier(),
        logger: Logger = Logger(label: "swift-failover", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        if let language = configuration.language { Language.current = language }
        self.configuration = configuration
        self.logger = logger
        let transport = transport ?? HTTPClientTransport(
            connectTimeout: configuration.timeouts.connect, maxConnectionsPerNode: configuration.maxConnectionsPerNode)
        self.transport = transport
        let nodes = configuration.nodes.enumerated().map { Node(index: $0.offset, url: $0.element) }
        cluster = ClusterState(
            nodes: nodes, rise: configuration.healthCheck.rise, fall: configuration.healthCheck.fall, broadcaster: EventBroadcaster())
        pipeline = RequestPipeline(
            configuration: configuration, transport: transport, classifier: classifier, cluster: cluster,
            budget: configuration.retry.budget.map { RetryBudget($0) }, logger: logger)
    }

    /// Sends a request through the failover pipeline.
    ///
    /// - Parameter request: The request.
    /// - Returns: The first response the classifier delivers, with the node that answered and every attempt.
    /// - Throws: ``FailoverError`` (`allNodesUnavailable`, `timeout`, `notResent`, `requestFailed`,
    ///   `invalidRequest`), or `CancellationError` when the calling task is cancelled.
    public func execute(_ request: FailoverRequest) async throws -> FailoverResponse {
        guard !isShutDown.withLock({ $0 }) else { throw FailoverError(.shutdown, nodeCount: cluster.nodeCount, request: request) }
        return try await pipeline.execute(request)
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

    /// A new stream of the client's events from now on (attempts failed, retries, switches, nodes down).
    ///
    /// Each call returns its own stream; it ends when the client shuts down.
    public var events: AsyncStream<FailoverEvent> { cluster.broadcaster.subscribe() }

    /// A snapshot of every node: state, counters, latency, and which one is current.
    public func status() -> FailoverStatus { cluster.status() }

    /// Makes node `index` current: requests go there first.
    ///
    /// - Parameter index: The node's index (0 is the primary).
    /// - Returns: The node.
    /// - Throws: ``FailoverError`` `invalidNode` or `nodeDisabled`.
    @discardableResult
    public func use(node index: Int) throws(FailoverError) -> Node {
        try cluster.use(node: index, reason: .manual)
    }

    /// Moves to the next enabled node after the current one (healthy ones first), as a failure would.
    ///
    /// - Returns: The new current node.
    /// - Throws: ``FailoverError`` `noEnabledNode`.
    @discardableResult
    public func failover() throws(FailoverError) -> Node {
        try cluster.use(node: try cluster.nextNode(), reason: .manual)
    }

    /// Goes back to the primary (node 0).
    ///
    /// - Returns: The primary.
    /// - Throws: ``FailoverError`` `nodeDisabled` when the primary is disabled.
    @discardableResult
    public func recover() throws(FailoverError) -> Node {
        try cluster.use(node: 0, reason: .recovery)
    }

    /// Clears every failure mark: all nodes are eligible again, in priority order.
    public func reset() { cluster.reset() }

    /// Shuts the client down: ends the event streams and the HTTP client. Idempotent.
    public func shutdown() async throws {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        cluster.broadcaster.finish()
        try await transport.shutdown()
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
