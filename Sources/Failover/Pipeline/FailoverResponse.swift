public import NIOCore
public import NIOHTTP1

/// A response delivered by the failover pipeline, with the node that answered and every attempt
/// it took.
public struct FailoverResponse: Sendable {
    /// The HTTP status.
    public var status: HTTPResponseStatus
    /// The response headers.
    public var headers: HTTPHeaders
    /// The whole body (bounded by the configured maximum size).
    public var body: ByteBuffer
    /// The node that answered.
    public var node: Node
    /// The full URL that answered.
    public var url: String
    /// Every attempt, the last one being the answer.
    public var attempts: [Attempt]
    /// Time from the call to the answer, all attempts included.
    public var duration: Duration

    /// Creates a response.
    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer, node: Node, url: String, attempts: [Attempt], duration: Duration) {
        self.status = status
        self.headers = headers
        self.body = body
        self.node = node
        self.url = url
        self.attempts = attempts
        self.duration = duration
    }

    /// The body decoded as UTF-8.
    public var bodyText: String { String(buffer: body) }
}
