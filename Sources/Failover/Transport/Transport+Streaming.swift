public import NIOCore
public import NIOHTTP1

/// A response whose body arrives over time (Server-Sent Events).
public struct StreamingResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The headers.
    public var headers: HTTPHeaders
    /// The body, chunk by chunk, as the node sends it.
    public var body: any AsyncSequence<ByteBuffer, any Error> & Sendable

    /// Creates a streaming response.
    public init(status: Int, headers: HTTPHeaders, body: any AsyncSequence<ByteBuffer, any Error> & Sendable) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension Transport {
    /// Opens a request whose body is read as it arrives; `headDeadline` bounds the wait for the
    /// response head only.
    ///
    /// The default implementation sends the request with ``send(_:deadline:)`` and delivers the
    /// whole body as one chunk; ``HTTPClientTransport`` streams it.
    public func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse {
        let response = try await send(request, deadline: headDeadline)
        let (body, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        continuation.yield(response.body)
        continuation.finish()
        return StreamingResponse(status: response.status, headers: response.headers, body: body)
    }
}
