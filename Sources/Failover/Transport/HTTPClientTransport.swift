import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
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
    /// The HTTP clients of one set of TLS settings: one for requests, one for streams.
    final class Clients: Sendable {
        let profile: TLSProfile
        let client: HTTPClient
        let streamClient: HTTPClient

        init(profile: TLSProfile, httpVersion: FailoverClient.Configuration.HTTPVersionPolicy, connectTimeout: Duration, readTimeout: Duration?, maxConnectionsPerNode: Int) {
            self.profile = profile
            func makeClient(readTimeout: Duration?) -> HTTPClient {
                var configuration = HTTPClient.Configuration()
                configuration.tlsConfiguration = profile.nioConfiguration
                configuration.httpVersion = httpVersion == .http1 ? .http1Only : .automatic
                configuration.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: readTimeout.map { .nanoseconds($0.nanoseconds) })
                configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerNode)
                configuration.connectionPool.retryConnectionEstablishment = false
                configuration.redirectConfiguration = .disallow
                configuration.decompression = .disabled
                // The attempt spans are the client spans (one per attempt, with the URL's secrets
                // redacted): AsyncHTTPClient's own span would repeat each one, with the query as written.
                configuration.tracing.tracer = nil
                ConnectionChecks.install(on: &configuration, profile: profile)
                return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            }
            client = makeClient(readTimeout: readTimeout)
            streamClient = makeClient(readTimeout: nil)
        }

        func shutdown() async throws {
            try await client.shutdown()
            try await streamClient.shutdown()
        }
    }

    /// The clients of ``FailoverClient/Configuration-swift.struct/tls``.
    private let standard: Clients
    /// The clients of nodes with TLS settings of their own, by the node's base URL.
    private let overrides: [(prefix: String, clients: Clients)]

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - connectTimeout: The limit for setting up one connection, TLS handshake included.
    ///   - readTimeout: The longest a response may go without a byte arriving (`nil`: no limit
    ///     but the deadline of each request, checked as the body arrives).
    ///   - maxConnectionsPerNode: Concurrent HTTP/1.1 connections per node.
    ///   - tls: How HTTPS nodes are reached.
    ///   - httpVersion: Whether HTTP/2 is offered to HTTPS nodes.
    ///   - nodeTLS: TLS settings of particular nodes, replacing `tls` for them.
    public init(
        connectTimeout: Duration, readTimeout: Duration? = nil, maxConnectionsPerNode: Int = 8,
        tls: FailoverClient.Configuration.TLS = .init(), httpVersion: FailoverClient.Configuration.HTTPVersionPolicy = .automatic,
        nodeTLS: [NodeURL: FailoverClient.Configuration.TLS] = [:]
    ) {
        func clients(_ tls: FailoverClient.Configuration.TLS) -> Clients {
            Clients(
                profile: TLSProfile(tls, httpVersion: httpVersion), httpVersion: httpVersion, connectTimeout: connectTimeout,
                readTimeout: readTimeout, maxConnectionsPerNode: maxConnectionsPerNode)
        }
        standard = clients(tls)
        var byTLS: [FailoverClient.Configuration.TLS: Clients] = [tls: standard]
        overrides = nodeTLS.filter { $0.key.scheme == "https" }.sorted { $0.key.description > $1.key.description }.map { url, settings in
            if let shared = byTLS[settings] { return (url.description, shared) }
            let made = clients(settings)
            byTLS[settings] = made
            return (url.description, made)
        }
    }

    /// Creates the transport a ``FailoverClient`` with `configuration` makes for itself: its
    /// connect timeout, its request timeout as the idle read timeout, its connections per node,
    /// its TLS settings and HTTP versions.
    public convenience init(configuration: FailoverClient.Configuration) {
        self.init(
            connectTimeout: configuration.timeouts.connect, readTimeout: configuration.timeouts.request,
            maxConnectionsPerNode: configuration.maxConnectionsPerNode, tls: configuration.tls,
            httpVersion: configuration.httpVersion, nodeTLS: configuration.nodeTLS)
    }

    /// The clients for a URL: a node's own TLS settings, else the standard ones.
    private func clients(for url: String) -> Clients {
        guard !overrides.isEmpty, url.hasPrefix("https:") else { return standard }
        for (prefix, clients) in overrides where url.hasPrefix(prefix) {
            let rest = url.utf8.dropFirst(prefix.utf8.count)
            if rest.isEmpty || rest.first == UInt8(ascii: "/") { return clients }
        }
        return standard
    }

    /// Sends one request and reads the whole response within the deadline (see the type's notes).
    public func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        let response = try await head(request, deadline: deadline, streaming: false)
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
            return TransportResponse(status: Int(response.status.code), headers: response.headers, body: body, version: response.version)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw TransportFailure(classifying: error)
        }
    }

    /// Sends the request and waits for the response head before `deadline`.
    private func head(_ request: TransportRequest, deadline: ContinuousClock.Instant, streaming: Bool) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body { outgoing.body = .bytes(body) }
        let clients = clients(for: request.url)
        let client = streaming ? clients.streamClient : clients.client
        var checkedChain = false
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            do {
                return try await client.execute(outgoing, deadline: .now() + .nanoseconds(max(0, remaining.nanoseconds)))
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                if let pin = error as? PinCheckFailure, !checkedChain, let (host, port) = Self.endpoint(of: request.url) {
                    // The leaf's own key is not pinned: look for a pin along its verified chain,
                    // then connect again (the refused connection carried no request).
                    checkedChain = true
                    if await clients.profile.approvesByChain(leaf: pin.leaf, host: host, port: port, deadline: deadline) { continue }
                }
                throw await failure(for: error, url: request.url, profile: clients.profile, deadline: deadline)
            }
        }
    }

    /// The transport failure for an error of the request's head, with the reason of a refused
    /// certificate found by looking at the chain the node presents.
    private func failure(for error: any Error, url: String, profile: TLSProfile, deadline: ContinuousClock.Instant) async -> TransportFailure {
        if TLSErrorAnalysis.verdict(error) == .certificateRefused, let (host, port) = Self.endpoint(of: url) {
            let probeDeadline = min(deadline, .now + .seconds(2))
            let reason = await profile.diagnoseVerificationFailure(host: host, port: port, deadline: probeDeadline)
            return TransportFailure(.tlsFailure, tlsReason: reason, detail: String(describing: error))
        }
        let failure = TransportFailure(classifying: error)
        if failure.kind == .connectTimeout, url.hasPrefix("https:"), let (host, port) = Self.endpoint(of: url),
           await TLSProbe.acceptsConnections(host: host, port: port, within: .milliseconds(150)) {
            // AsyncHTTPClient reports a TLS handshake that does not end within the connect timeout
            // as a connect timeout; a node that accepts a TCP connection at once is one whose
            // handshake hangs.
            return TransportFailure(.tlsFailure, tlsReason: .handshakeTimeout, detail: failure.detail)
        }
        // An HTTP/2 stream reset is about the request, not a connection: kept as a reset.
        guard failure.kind == .connectionReset, !(error is NIOHTTP2Errors.StreamClosed) else { return failure }
        if (error as? HTTPClientError) == .remoteConnectionClosed, url.hasPrefix("https:"), let (host, port) = Self.endpoint(of: url),
           let reason = await profile.alertAfterHandshake(host: host, port: port, deadline: deadline) {
            // The node refuses the TLS session after the handshake (a client certificate it wants
            // or rejects): nothing was processed.
            return TransportFailure(.tlsFailure, tlsReason: reason, detail: failure.detail)
        }
        // Closed before the response head: say so, the pipeline may try a fresh connection.
        return TransportFailure(.connectionClosed, detail: failure.detail)
    }

    /// The host and port of an absolute URL.
    private static func endpoint(of url: String) -> (String, Int)? {
        guard let components = URLComponents(string: url), let host = components.host, let scheme = components.scheme else { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return (bare, components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Opens a streaming request: the response head must arrive before `headDeadline`; the body
    /// is then read as the node sends it, for as long as the caller iterates it.
    public func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse {
        let response = try await head(request, deadline: headDeadline, streaming: true)
        return StreamingResponse(status: Int(response.status.code), headers: response.headers, body: response.body)
    }

    /// Shuts the HTTP clients down.
    public func shutdown() async throws {
        try await standard.shutdown()
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(standard)]
        for (_, clients) in overrides where seen.insert(ObjectIdentifier(clients)).inserted {
            try await clients.shutdown()
        }
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
        } else if let refusal = error as? HTTP2Refusal {
            switch refusal {
            case .refusedStream: self.init(.refusedStream, detail: detail)
            case .goaway(let last): self.init(.goaway, detail: "GOAWAY last-stream-id \(last)")
            }
        } else if let verdict = TLSErrorAnalysis.verdict(error) {
            // A refused certificate without the chain to look at (a transport of the caller's): `other`.
            let reason: TLSFailureReason = if case .reason(let reason) = verdict { reason } else { .other }
            self.init(.tlsFailure, tlsReason: reason, detail: detail)
        } else if error is NIOHTTP2Errors.StreamClosed {
            self.init(.connectionReset, detail: detail)
        } else if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: self.init(.connectTimeout, detail: detail)
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout: self.init(.timeout, detail: detail)
            case .remoteConnectionClosed: self.init(.connectionReset, detail: detail)
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
        } else if error is SocketAddressError {
            self.init(.dnsFailure, detail: detail)
        } else {
            self.init(.other, detail: detail)
        }
    }
}
