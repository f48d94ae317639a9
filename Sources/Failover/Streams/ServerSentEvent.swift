/// One Server-Sent Event, with the node it came from.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `id:` field, if any (sent back as `Last-Event-ID` when the stream resumes).
    public var id: String?
    /// The `event:` field, if any.
    public var event: String?
    /// The `data:` field (lines joined by `\n`), if any.
    public var data: String?
    /// The `retry:` field: how long to wait before reconnecting.
    public var retry: Duration?
    /// The node that sent the event.
    public var node: Int
    /// That node's base URL.
    public var url: NodeURL

    /// Creates an event.
    public init(id: String?, event: String?, data: String?, retry: Duration?, node: Int, url: NodeURL) {
        self.id = id
        self.event = event
        self.data = data
        self.retry = retry
        self.node = node
        self.url = url
    }
}

/// The settings of one event stream.
public struct EventStreamOptions: Sendable, Hashable {
    /// A stream that sends nothing (no event, no heartbeat comment) for this long is abandoned and
    /// resumed on another node (30 s).
    public var idleTimeout: Duration
    /// The reconnection delay until the server sends `retry:` (1 s); each wait is jittered by ±20 %.
    public var defaultRetry: Duration
    /// The id to resume after (sent as `Last-Event-ID` on the first connection), if any.
    public var lastEventID: String?

    /// Creates stream options.
    public init(idleTimeout: Duration = .seconds(30), defaultRetry: Duration = .seconds(1), lastEventID: String? = nil) {
        self.idleTimeout = idleTimeout
        self.defaultRetry = defaultRetry
        self.lastEventID = lastEventID
    }
}

/// A stream of Server-Sent Events that survives failover: when the node serving it dies, resets or
/// goes silent, the stream resumes on the next healthy node with `Last-Event-ID`, and the consumer
/// sees one uninterrupted sequence.
///
/// It ends normally when a node answers 204 No Content; it ends with a ``FailoverError`` on a 4xx
/// answer (`streamRejected`) or when no node can serve it (`allNodesUnavailable`). Cancelling the
/// consuming task, or dropping the iterator, closes the connection.
public struct ServerSentEvents: AsyncSequence, Sendable {
    /// The events.
    public typealias Element = ServerSentEvent

    let session: EventStreamSession

    /// Starts the stream.
    public func makeAsyncIterator() -> Iterator {
        let (stream, continuation) = AsyncThrowingStream<ServerSentEvent, any Error>.makeStream(bufferingPolicy: .bufferingOldest(1024))
        let task = Task { await session.run(into: continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return Iterator(base: stream.makeAsyncIterator())
    }

    /// Iterates the events.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<ServerSentEvent, any Error>.AsyncIterator

        /// The next event, or `nil` when the stream is over.
        public mutating func next() async throws -> ServerSentEvent? {
            try await base.next()
        }
    }
}
