import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The production ``Transport``: AsyncHTTPClient, owned and shut down by it.
///
/// The client is set up for failover: a refused connection fails at once
/// (`retryConnectionEstablishment = false`), redirects are delivered rather than followed, and
/// every attempt is bounded by its deadline.
///
/// How the deadline bounds an attempt, with no task or timer of ours per request (on a busy
/// client, one more task per request costs more than the whole failover logic):
/// - the response head must arrive before the deadline (AsyncHTTPClient's request deadline);
/// - the body is read as it arrives and the attempt fails with
///   ``TransportFailure/Kind-swift.enum/timeout`` at the first read after the deadline;
/// - a body that stops arriving is cut by the idle read timeout (`readTimeout`, the request
///   timeout), so a node that sends a head then stalls is left within one request timeout of
///   its last byte.
///
/// Streams (``openStream(_:headDeadline:)``) use a second client without the idle read timeout:
/// a quiet event stream is the stream reader's to judge.
public final class HTTPClientTransport: Transport {
    private let client: HTTPClient
    private let streamClient: HTTPClient

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - connectTimeout: The limit for setting up one connection.
    ///   - readTimeout: The longest a response may go without a byte arriving (`nil`: no limit
    ///     but the deadline of each request, checked as the body arrives).
    ///   - maxConnectionsPerNode: Concurrent HTTP/1.1 connections per node.
    public init(connectTimeout: Duration, readTimeout: Duration? = nil, maxConnectionsPerNode: Int = 8) {
        func makeClient(readTimeout: Duration?) -> HTTPClient {
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: readTimeout.map { .nanoseconds($0.nanoseconds) })
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerNode)
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.redirectConfiguration = .disallow
            configuration.decompression = .disabled
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        client = makeClient(readTimeout: readTimeout)
        streamClient = makeClient(readTimeout: nil)
    }

    /// Creates the transport a ``FailoverClient`` with `configuration` makes for itself: its
    /// connect timeout, its request timeout as the idle read timeout, its connections per node.
    public convenience init(configuration: FailoverClient.Configuration) {
        self.init(
            connectTimeout: configuration.timeouts.connect, readTimeout: configuration.timeouts.request,
            maxConnectionsPerNode: configuration.maxConnectionsPerNode)
    }

    /// Sends one request and reads the whole response within the deadline (see the type's notes).
    public func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        let response = try await head(request, deadline: deadline, on: client)
        do {
            if !request.truncatesBody, request.method != .HEAD,
               let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > request.maxResponseBodySize {
                throw TransportFailure(.bodyTooLarge, detail: "Content-Length \(length)")
            }
            var body = ByteBuffer()
            for try await var chunk in response.body {
                guard ContinuousClock.now < deadline else { throw TransportFailure(.timeout) }
                let room = request.maxResponseBodySize - body.readableBytes
                if chunk.readableBytes > room {
                    guard request.truncatesBody else {
                        throw TransportFailure(.bodyTooLarge, detail: "more than \(request.maxResponseBodySize) bytes")
                    }
                    if let slice = chunk.readSlice(length: room) { body.writeImmutableBuffer(slice) }
                    break
                }
                body.writeBuffer(&chunk)
            }
            return TransportResponse(status: Int(response.status.code), headers: response.headers, body: body)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw TransportFailure(classifying: error)
        }
    }

    /// Sends the request and waits for the response head before `deadline`.
    private func head(_ request: TransportRequest, deadline: ContinuousClock.Instant, on client: HTTPClient) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body { outgoing.body = .bytes(body) }
        let remaining = ContinuousClock.now.duration(to: deadline)
        do {
            return try await client.execute(outgoing, deadline: .now() + .nanoseconds(max(0, remaining.nanoseconds)))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            // Closed before the response head: say so, the pipeline may try a fresh connection.
            let failure = TransportFailure(classifying: error)
            throw failure.kind == .connectionReset ? TransportFailure(.connectionClosed, detail: failure.detail) : failure
        }
    }

    /// Opens a streaming request: the response head must arrive before `headDeadline`; the body
    /// is then read as the node sends it, for as long as the caller iterates it.
    public func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse {
        let response = try await head(request, deadline: headDeadline, on: streamClient)
        return StreamingResponse(status: Int(response.status.code), headers: response.headers, body: response.body)
    }

    /// Shuts the HTTP clients down.
    public func shutdown() async throws {
        try await client.shutdown()
        try await streamClient.shutdown()
    }
}

extension TransportFailure {
    /// Maps an error of AsyncHTTPClient or SwiftNIO to a failure kind (for transports and
    /// middlewares built on AsyncHTTPClient).
    ///
    /// - Parameter error: The error.
    public init(classifying error: any Error) {
        let detail = String(describing: error)
        if let failure = error as? TransportFailure {
            self = failure
        } else if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: self.init(.connectTimeout, detail: detail)
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout: self.init(.timeout, detail: detail)
            case .remoteConnectionClosed: self.init(.connectionReset, detail: detail)
            case .tlsHandshakeTimeout: self.init(.tlsFailure, detail: detail)
            case .bodyLengthMismatch, .invalidProxyResponse: self.init(.malformedResponse, detail: detail)
            default: self.init(.other, detail: detail)
            }
        } else if let error = error as? NIOConnectionError {
            let errnos = error.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }
            if errnos.contains(ECONNREFUSED) {
                self.init(.connectionRefused, detail: detail)
            } else if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                self.init(.dnsFailure, detail: detail)
            } else if error.connectionErrors.contains(where: { failure in
                if case .connectTimeout = failure.error as? ChannelError { return true }
                return false
            }) {
                self.init(.connectTimeout, detail: detail)
            } else {
                self.init(.other, detail: detail)
            }
        } else if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: self.init(.connectionRefused, detail: detail)
            case ECONNRESET, EPIPE, ECONNABORTED: self.init(.connectionReset, detail: detail)
            default: self.init(.other, detail: detail)
            }
        } else if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: self.init(.connectTimeout, detail: detail)
            case .eof, .ioOnClosedChannel, .outputClosed, .alreadyClosed: self.init(.connectionReset, detail: detail)
            default: self.init(.other, detail: detail)
            }
        } else if error is HTTPParserError {
            self.init(.malformedResponse, detail: detail)
        } else if error is NIOTooManyBytesError {
            self.init(.bodyTooLarge, detail: detail)
        } else if String(reflecting: type(of: error)).contains("NIOSSL") || error is SocketAddressError {
            self.init(String(reflecting: type(of: error)).contains("NIOSSL") ? .tlsFailure : .dnsFailure, detail: detail)
        } else {
            self.init(.other, detail: detail)
        }
    }
}
