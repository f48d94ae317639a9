import Failover
import FailoverDemo
import Foundation
import InMemoryTracing
import NIOCore
import Testing
import Tracing

/// Spans per request and per attempt, as the OpenTelemetry HTTP client conventions say, and the
/// W3C `traceparent` each attempt carries. Real nodes on 127.0.0.1; the tracer is in memory.
@Suite("Tracing")
struct TracingTests {
    func withTracedClient(_ body: (DemoCluster, FailoverClient, W3CTestTracer) async throws -> Void) async throws {
        let tracer = W3CTestTracer()
        let cluster = try await DemoCluster.start(count: 3)
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        configuration.retry.baseDelay = .milliseconds(1)
        let client = FailoverClient(configuration: configuration, tracer: tracer)
        try await body(cluster, client, tracer)
        try await client.shutdown()
        await cluster.shutdown()
    }

    /// An attribute's value as text (`int64(3)` reads `3`).
    func attribute(_ span: FinishedInMemorySpan, _ key: String) -> String? {
        guard let value = span.attributes[key]?.toSpanAttribute() else { return nil }
        switch value {
        case .string(let value): return value
        case .int64(let value): return String(value)
        case .int32(let value): return String(value)
        case .bool(let value): return String(value)
        default: return "\(value)"
        }
    }

    @Test func aRequestThatFailsOverHasOneParentAndOneSpanPerAttempt() async throws {
        try await withTracedClient { cluster, client, tracer in
            await cluster[0].setFault(.status(503))
            let response = try await client.get("/api/stats?api_token=s3cr3t&limit=5")
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.outcome.identifier) == ["503", "503", "200"])

            let spans = tracer.finishedSpans
            let parent = try #require(spans.first { $0.kind == .internal })
            let attempts = spans.filter { $0.kind == .client }
            #expect(attempts.count == 3)
            #expect(attempts.allSatisfy { $0.parentSpanID == parent.spanID && $0.traceID == parent.traceID })
            #expect(Set(attempts.map(\.spanID)).count == 3)
            #expect(attempts.map { attribute($0, "http.request.resend_count") } == [nil, "1", "2"])
            #expect(attempts.map { attribute($0, "failover.node") } == ["0", "0", "1"])
            #expect(attempts.map { attribute($0, "http.response.status_code") } == ["503", "503", "200"])
            #expect(attempts.map { attribute($0, "error.type") } == ["503", "503", nil])
            #expect(attempts.map { attribute($0, "failover.reason") } == ["503", "503", nil])
            #expect(attempts.map { attribute($0, "failover.outcome") } == ["503", "503", "200"])
            let first = attempts[0]
            #expect(attribute(first, "http.request.method") == "GET")
            #expect(attribute(first, "server.address") == "127.0.0.1")
            #expect(attribute(first, "server.port") == String(cluster[0].port))
            #expect(attribute(first, "url.full") == cluster.baseURLs[0] + "/api/stats?api_token=<redacted>&limit=5")
            #expect(attribute(parent, "http.response.status_code") == "200")
            #expect(attribute(parent, "failover.node") == "1")
            #expect(attribute(parent, "failover.attempts") == "3")
            #expect(!spans.contains { "\($0.attributes)".contains("s3cr3t") }, "no secret in any span")

            // Every attempt carried its own span's context, in one trace.
            let received = (await cluster[0].requests + cluster[1].requests).compactMap { $0.header("traceparent") }
            #expect(received.count == 3)
            #expect(Set(received.map { $0.split(separator: "-")[1] }) == [Substring(parent.traceID)])
            #expect(Set(received.map { $0.split(separator: "-")[2] }) == Set(attempts.map { Substring($0.spanID) }))
        }
    }

    @Test func aTransportFailureIsTheErrorTypeAndTheReason() async throws {
        try await withTracedClient { cluster, client, tracer in
            await cluster[0].kill()
            _ = try await client.get("/api/stats")
            let attempts = tracer.finishedSpans.filter { $0.kind == .client }
            #expect(attempts.map { attribute($0, "error.type") } == ["connectionRefused", nil])
            #expect(attempts.first.flatMap { attribute($0, "failover.reason") } == "connectionRefused")
            #expect(attempts.first?.status?.code == .error)
        }
    }

    @Test func aFailedRequestMarksItsSpan() async throws {
        try await withTracedClient { cluster, client, tracer in
            for node in cluster.nodes { await node.kill() }
            _ = await client.failure(FailoverRequest(path: "/api/stats"))
            let parent = try #require(tracer.finishedSpans.first { $0.kind == .internal })
            #expect(attribute(parent, "error.type") == "allNodesUnavailable")
            #expect(parent.status?.code == .error)
        }
    }

    @Test func healthChecksAreRootSpansOfTheirOwn() async throws {
        try await withTracedClient { cluster, client, tracer in
            await cluster[2].kill()
            _ = await client.checkAllNodes()
            let checks = tracer.finishedSpans.filter { $0.operationName == "health check" }
            #expect(checks.count == 3)
            #expect(checks.allSatisfy { $0.parentSpanID == nil })
            #expect(Set(checks.map(\.traceID)).count == 3)
            #expect(checks.compactMap { attribute($0, "failover.healthy") }.sorted() == ["false", "true", "true"])
            #expect(await cluster[0].requests.last?.header("traceparent")?.hasPrefix("00-") == true)
        }
    }

    @Test func withoutATracerNoHeaderIsAdded() async throws {
        try await withClient { cluster, client in
            _ = try await client.get("/api/stats")
            #expect(await cluster[0].requests.last?.header("traceparent") == nil)
        }
    }
}
