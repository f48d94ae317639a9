import AsyncHTTPClient
import Failover
import FailoverDemo
import FailoverOpenAPI
import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing

@Suite("OpenAPI client middleware")
struct FailoverMiddlewareTests {
    /// Demo nodes, a failover client for them, and an OpenAPI client whose server URL is a
    /// closed port: only the middleware can make it reach a node.
    func withAPI(_ body: (DemoCluster, FailoverClient, DemoAPIClient) async throws -> Void) async throws {
        let cluster = try await DemoCluster.start(count: 3)
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        configuration.retry.baseDelay = .milliseconds(5)
        let failover = FailoverClient(configuration: configuration)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let api = DemoAPIClient(
            serverURL: URL(string: "http://127.0.0.1:9")!,
            transport: AsyncHTTPClientTransport(configuration: .init(client: http)),
            middlewares: [FailoverMiddleware(client: failover)])
        do {
            try await body(cluster, failover, api)
        } catch {
            try? await http.shutdown()
            try? await failover.shutdown()
            await cluster.shutdown()
            throw error
        }
        try await http.shutdown()
        try await failover.shutdown()
        await cluster.shutdown()
    }

    @Test func aRefusedPrimaryIsFailedOverToABackup() async throws {
        try await withAPI { cluster, failover, api in
            await cluster[0].kill()
            guard case .ok(let stats) = try await api.getStats() else {
                Issue.record("expected 200")
                return
            }
            #expect(stats.node == "node-1")
            #expect(failover.status().current == 1)
            #expect(failover.status().nodes[0].state == .down)
        }
    }

    @Test func a503IsFailedOverAndA404IsNot() async throws {
        try await withAPI { cluster, _, api in
            await cluster[0].setFault(.status(503))
            guard case .ok(let stats) = try await api.getStats() else {
                Issue.record("expected 200")
                return
            }
            #expect(stats.node == "node-1")
            await cluster[0].setFault(.none)
            let missing = try await api.getMissing()
            guard case .undocumented(let status) = missing else {
                Issue.record("expected a 404")
                return
            }
            #expect(status == 404)
            #expect(await cluster[2].requestCount == 0)
            #expect(await cluster[1].requestCount(path: "/api/missing") == 1)
        }
    }

    @Test func aStreamedRequestBodyIsNotSentTwice() async throws {
        try await withAPI { cluster, _, api in
            await cluster[0].setFault(.resetMidBody)
            let stream = AsyncStream<ArraySlice<UInt8>> { continuation in
                continuation.yield(ArraySlice("{\"name\":".utf8))
                continuation.yield(ArraySlice("\"streamed\"}".utf8))
                continuation.finish()
            }
            let body = HTTPBody(stream, length: .unknown, iterationBehavior: .single)
            await #expect(throws: (any Error).self) {
                _ = try await api.createItem(body: body, idempotencyKey: "stream-1")
            }
            #expect(await cluster[0].requestCount(path: "/api/items") == 1)
            #expect(await cluster[1].requestCount == 0)
            #expect(await cluster[2].requestCount == 0)
        }
    }

    @Test func aReplayableBodyWithAnIdempotencyKeyIsResentAndAppliedOnce() async throws {
        try await withAPI { cluster, _, api in
            await cluster[0].setFault(.resetMidBody)
            let body = HTTPBody("{\"name\":\"replayable\"}")
            guard case .ok(let item) = try await api.createItem(body: body, idempotencyKey: "k-42") else {
                Issue.record("expected 201")
                return
            }
            #expect(item.node == "node-1")
            #expect(cluster.ledger.applications(ofKey: "k-42") == 1)
        }
    }
}
