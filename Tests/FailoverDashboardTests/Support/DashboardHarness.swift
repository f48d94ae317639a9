import AsyncHTTPClient
import Failover
import FailoverDashboard
import FailoverDemo
import Foundation
import NIOCore
import NIOHTTP1
import OrderedJSON
import TestSupport
import Testing
import Tracing

/// A demo cluster, a client made with a Prometheus exporter, and its dashboard served on
/// 127.0.0.1 (a port the system chooses), with an HTTP client to talk to it.
struct DashboardHarness {
    static let token = "dashboard-test-token-7c41e0"
    let cluster: DemoCluster
    let client: FailoverClient
    let exporter: PrometheusExporter
    let server: DashboardServer
    let http: HTTPClient

    var base: String { server.url }

    /// Runs `body` with a harness; `configure` adjusts the client's configuration first.
    static func with(
        nodes: Int = 3, configure: (inout FailoverClient.Configuration, DemoCluster) throws -> Void = { _, _ in },
        tracer: (any Tracer)? = nil, statusInterval: Duration = .seconds(1), _ body: (DashboardHarness) async throws -> Void
    ) async throws {
        let cluster = try await DemoCluster.start(count: nodes)
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        configuration.retry.baseDelay = .milliseconds(1)
        try configure(&configuration, cluster)
        configuration.timeouts = configuration.timeouts.scaledForTestRun
        let exporter = PrometheusExporter()
        let client = FailoverClient(configuration: configuration, metricsFactory: exporter.metricsFactory, tracer: tracer)
        let dashboard = Dashboard(client: client, token: token, exporter: exporter, defaultLanguage: .english, statusInterval: statusInterval)
        let server = try await DashboardServer.start(dashboard, on: DashboardAddress(host: "127.0.0.1", port: 0))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let harness = DashboardHarness(cluster: cluster, client: client, exporter: exporter, server: server, http: http)
        do {
            try await body(harness)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    func close() async {
        await server.stop()
        try? await http.shutdown()
        try? await client.shutdown()
        await cluster.shutdown()
    }

    /// A request to the dashboard, answered in full.
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: base + path.drop(while: { $0 == "/" }))
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), response.headers, String(buffer: buffer))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await send(.GET, path, headers: headers)
    }

    /// A POST with the right token, another one, or none.
    func post(_ path: String, body: String = "", token: String? = DashboardHarness.token) async throws -> (status: Int, body: JSONValue?) {
        let headers = token.map { [("Authorization", "Bearer " + $0)] } ?? []
        let response = try await send(.POST, path, headers: headers, body: body)
        return (response.status, JSONValue.parse(response.body))
    }

    /// `GET /nodes`, parsed.
    func nodes() async throws -> JSONValue {
        let response = try await get("/nodes")
        return try #require(JSONValue.parse(response.body))
    }

    /// Opens `/events`.
    func events(path: String = "/events", headers: [(String, String)] = []) async throws -> EventStreamReader {
        var request = HTTPClientRequest(url: base + path.drop(while: { $0 == "/" }))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        return EventStreamReader(response: response)
    }
}

/// Reads Server-Sent Events frames from a response body.
final class EventStreamReader {
    struct Frame {
        var event = "message"
        var data = ""
        var id: Int?
        var json: JSONValue? { JSONValue.parse(data) }
    }

    let contentType: String?
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    init(response: HTTPClientResponse) {
        contentType = response.headers.first(name: "Content-Type")
        iterator = response.body.makeAsyncIterator()
    }

    /// The next frame that carries data (`retry:` frames are skipped); `nil` when the stream ends.
    func next() async throws -> Frame? {
        while true {
            if let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending.removeSubrange(..<end.upperBound)
                var frame = Frame()
                var hasData = false
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { frame.data += line.dropFirst(6); hasData = true }
                    if line.hasPrefix("id: ") { frame.id = Int(line.dropFirst(4)) }
                }
                if hasData { return frame }
                continue
            }
            guard let buffer = try await iterator.next() else { return nil }
            pending += String(buffer: buffer)
        }
    }

    /// The next frame of kind `event` that satisfies `condition`, skipping others.
    func next(_ event: String, where condition: (Frame) -> Bool = { _ in true }) async throws -> Frame? {
        while let frame = try await next() {
            if frame.event == event, condition(frame) { return frame }
        }
        return nil
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var int: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int(exactly: value)
        default: nil
        }
    }
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
}
