public import NIOCore
public import NIOHTTP1

/// One HTTP exchange to send to one node.
public struct TransportRequest: Sendable {
    /// The absolute URL.
    public var url: String
    /// The method.
    public var method: HTTPMethod
    /// The headers.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: ByteBuffer?
    /// The largest response body accepted; a larger one fails with ``TransportFailure/Kind-swift.enum/bodyTooLarge``.
    public var maxResponseBodySize: Int
    /// When `true`, a larger body is cut at ``maxResponseBodySize`` instead of failing (health checks).
    public var truncatesBody: Bool

    /// Creates a transport request.
    public init(url: String, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?, maxResponseBodySize: Int, truncatesBody: Bool = false) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.maxResponseBodySize = maxResponseBodySize
        self.truncatesBody = truncatesBody
    }
}

/// A complete HTTP response from one node.
public struct TransportResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The headers.
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: ByteBuffer
    /// The HTTP version the node answered with (HTTP/2 when negotiated by ALPN), if known.
    public var version: HTTPVersion?

    /// Creates a transport response.
    public init(status: Int, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer(), version: HTTPVersion? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.version = version
    }
}

/// Sends one HTTP exchange to one node. The failover pipeline runs on top of it.
///
/// The production implementation is ``HTTPClientTransport`` (AsyncHTTPClient); tests of the pure
/// failover logic may plug a scripted one.
public protocol Transport: Sendable {
    /// Sends a request and reads the whole response, head and body, within `deadline`.
    ///
    /// ``HTTPClientTransport`` bounds the head by the deadline, cuts the body at the first read past
    /// it, and cuts a stalled body after its idle read timeout.
    ///
    /// - Parameters:
    ///   - request: What to send.
    ///   - deadline: When the attempt must be over.
    /// - Returns: The response.
    /// - Throws: ``TransportFailure`` when there is no HTTP response (a timeout is
    ///   ``TransportFailure/Kind-swift.enum/timeout``), or `CancellationError` when the calling task is cancelled.
    func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse

    /// Opens a request whose body is read as it arrives (Server-Sent Events); `headDeadline`
    /// bounds the wait for the response head only. A default implementation buffers the body
    /// with ``send(_:deadline:)``.
    func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse

    /// Releases the transport's resources.
    func shutdown() async throws
}
