import AsyncHTTPClient
import NIOCore
import NIOSSL

/// Drives a plain AsyncHTTPClient `HTTPClient` at one base URL: the baseline of `overhead` (a node
/// directly) and the client of the proxy columns (the proxy's address).
///
/// It is set up as the failover client's own transport is: the shared event loop group, 64
/// connections per host, no retry of a refused connection, no redirects, no decompression, the
/// whole body collected (up to 16 MiB), and, as the baseline of `overhead`, the same idle read
/// timeout (`readTimeout`, the request timeout: what bounds a body that stops arriving).
final class PlainDriver: RequestDriver {
    let baseURL: String
    let timeout: Duration
    private let client: HTTPClient
    /// Connections per host, of this client and of the failover client it is compared with.
    static let maxConnections = 64

    /// Creates a client for `baseURL`; each request may take up to `timeout`.
    ///
    /// `tls`, for HTTPS nodes, is the TLS configuration of the failover client it is compared with
    /// (the same trusted CA, HTTP/2 offered by ALPN).
    init(
        baseURL: String, timeout: Duration = .seconds(15), maxConnections: Int = PlainDriver.maxConnections, readTimeout: Duration? = nil,
        tls: TLSConfiguration? = nil
    ) {
        self.baseURL = baseURL
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.timeout = .init(connect: .seconds(1), read: readTimeout.map { .nanoseconds($0.nanosecondCount) })
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnections)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: BenchRequest) async -> Answer {
        var outgoing: HTTPClientRequest
        switch request {
        case .get(let path):
            outgoing = HTTPClientRequest(url: baseURL + path)
        case .post(let path, let key, let body):
            outgoing = HTTPClientRequest(url: baseURL + path)
            outgoing.method = .POST
            outgoing.headers.add(name: "Idempotency-Key", value: key)
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: .nanoseconds(timeout.nanosecondCount))
            _ = try await response.body.collect(upTo: 16 << 20)
            return Answer(status: Int(response.status.code), node: response.headers.first(name: "X-Demo-Node"), attempts: 1)
        } catch {
            return Answer(status: 0, attempts: 1, error: String(describing: error))
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
