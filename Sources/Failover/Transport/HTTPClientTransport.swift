import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The production ``Transport``: one AsyncHTTPClient `HTTPClient`, owned and shut down by it.
///
/// The client is set up for failover: a refused connection fails at once
/// (`retryConnectionEstablishment = false`), redirects are delivered rather than followed, and
/// every attempt (head and body) is bounded by its deadline.
public final class HTTPClientTransport: Transport {
    private let client: HTTPClient

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - connectTimeout: The limit for setting up one connection.
    ///   - maxConnectionsPerNode: Concurrent HTTP/1.1 connections per node.
    public init(connectTimeout: Duration, maxConnectionsPerNode: Int = 8) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .nanoseconds(Int64(connectTimeout.milliseconds * 1_000_000)), read: nil)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerNode)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends one request, racing it against the deadline so that a stalled body is cut too.
    public func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        try await withAttemptDeadline(deadline) { try await self.perform(request, deadline: deadline) }
    }

    /// Sends the request and waits for the response head before `deadline`.
    private func head(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body { outgoing.body = .bytes(body) }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let nioDeadline = NIODeadline.now() + .nanoseconds(Int64(max(0, remaining.milliseconds) * 1_000_000))
        do {
            return try await client.execute(outgoing, deadline: nioDeadline)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Closed before the response head: say so, the pipeline may try a fresh connection.
            let failure = TransportFailure(classifying: error)
            throw failure.kind == .connectionReset ? TransportFailure(.connectionClosed, detail: failure.detail) : failure
        }
    }

    private func perform(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        let response = try await head(request, deadline: deadline)
        if request.truncatesBody {
            var body = ByteBuffer()
            for try await var chunk in response.body {
                let room = request.maxResponseBodySize - body.readableBytes
                if chunk.readableBytes >= room {
                    if let slice = chunk.readSlice(length: room) { body.writeImmutableBuffer(slice) }
                    break
                }
                body.writeBuffer(&chunk)
            }
            return TransportResponse(status: Int(response.status.code), headers: response.headers, body: body)
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > request.maxResponseBodySize {
            throw TransportFailure(.bodyTooLarge, detail: "Content-Length \(length)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: request.maxResponseBodySize)
        } catch is NIOTooManyBytesError {
            throw TransportFailure(.bodyTooLarge, detail: "more than \(request.maxResponseBodySize) bytes")
        }
        return TransportResponse(status: Int(response.status.code), headers: response.headers, body: body)
    }

    /// Opens a streaming request: the response head must arrive before `headDeadline`; the body
    /// is then read as the node sends it, for as long as the caller iterates it.
    public func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse {
        let response = try await head(request, deadline: headDeadline)
        return StreamingResponse(status: Int(response.status.code), headers: response.headers, body: response.body)
    }

    /// Shuts the HTTP client down.
    public func shutdown() async throws {
        try await client.shutdown()
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
