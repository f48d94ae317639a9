#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import FailoverDemo
import Testing

/// A whole answer, read by ``TestHTTP``.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// A header value by name, case-insensitive.
    func header(_ name: String) -> String? {
        self.headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// An AsyncHTTPClient set up the way the failover library uses it: a refused
/// connection fails at once instead of being retried.
final class TestHTTP: Sendable {
    let client: HTTPClient

    /// - Parameter readTimeoutMilliseconds: How long a read may wait for
    ///   bytes before the request fails; `nil` for no limit.
    init(readTimeoutMilliseconds: Int64? = nil) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(2)
        if let readTimeoutMilliseconds {
            configuration.timeout.read = .milliseconds(readTimeoutMilliseconds)
        }
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Builds a request.
    func request(
        _ url: String,
        method: String = "GET",
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        chunked: Bool = false
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.body = .bytes(body, length: chunked ? .unknown : .known(Int64(body.count)))
        }
        return request
    }

    /// Sends a request and reads the whole answer.
    func send(
        _ url: String,
        method: String = "GET",
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        chunked: Bool = false,
        timeoutSeconds: Int64 = 10,
        maxBody: Int = 1024 * 1024
    ) async throws -> Reply {
        let request = self.request(url, method: method, headers: headers, body: body, chunked: chunked)
        let response = try await self.client.execute(request, timeout: .seconds(timeoutSeconds))
        let buffer = try await response.body.collect(upTo: maxBody)
        var fields: [String: String] = [:]
        for header in response.headers {
            fields[header.name] = header.value
        }
        return Reply(status: Int(response.status.code), headers: fields, body: Array(buffer.readableBytesView))
    }

    func shutdown() async throws {
        try await self.client.shutdown()
    }
}

/// Runs `body` with a fresh client and shuts it down afterwards, whether `body` throws or not
/// (AsyncHTTPClient traps on a client that was not shut down).
func withHTTP<T>(readTimeoutMilliseconds: Int64? = nil, _ body: (TestHTTP) async throws -> T) async throws -> T {
    let http = TestHTTP(readTimeoutMilliseconds: readTimeoutMilliseconds)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// Runs `body` with a fresh node and client, and stops both afterwards.
func withNode(
    name: String = "alpha",
    readTimeoutMilliseconds: Int64? = nil,
    _ body: (DemoNode, TestHTTP) async throws -> Void
) async throws {
    let node = try await DemoNode.start(name: name)
    do {
        try await withHTTP(readTimeoutMilliseconds: readTimeoutMilliseconds) { http in try await body(node, http) }
    } catch {
        await node.shutdown()
        throw error
    }
    await node.shutdown()
}

/// Waits until `condition` holds, polling; fails the test after `seconds`.
func eventually(
    seconds: Double = 5,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async -> Bool
) async throws {
    let clock = ContinuousClock()
    let end = clock.now + .milliseconds(Int64(seconds * 1_000))
    while clock.now < end {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition did not hold within \(seconds) s", sourceLocation: sourceLocation)
}

/// The whole text of an error, for matching on what went wrong.
func describe(_ error: any Error) -> String {
    String(reflecting: error)
}

/// Whether the error is the operating system's "connection refused".
func isConnectionRefused(_ error: any Error) -> Bool {
    describe(error).contains("errno: \(ECONNREFUSED)")
}

/// Whether the error is the operating system's "connection reset by peer".
func isConnectionReset(_ error: any Error) -> Bool {
    describe(error).contains("errno: \(ECONNRESET)")
}

/// Whether the error is AsyncHTTPClient's read timeout.
func isReadTimeout(_ error: any Error) -> Bool {
    (error as? HTTPClientError) == .readTimeout
}

/// Whether the error is AsyncHTTPClient's deadline.
func isDeadlineExceeded(_ error: any Error) -> Bool {
    (error as? HTTPClientError) == .deadlineExceeded
}

/// Whether the error is NIO's HTTP parser rejecting the answer.
func isParseError(_ error: any Error) -> Bool {
    String(describing: type(of: error)) == "HTTPParserError"
}
