import Failover
import FailoverDemo
import Foundation
import Localization
import NIOCore
import Testing

@Suite("Active health checks")
struct HealthCheckTests {
    @Test func aJSONStatusOfOkIsHealthyAndDownIsNot() async throws {
        try await withClient(nodes: 2) { cluster, client in
            await cluster[1].setFault(.status(200, body: "{\"status\":\"down\"}"))
            let results = await client.checkAllNodes()
            #expect(results.map(\.healthy) == [true, false])
            #expect(results[0].path == "/health")
            #expect(results[1].problem == .reportedStatus("down", path: "/health"))
            #expect(results[1].message(in: .english) == "node 1 (\(cluster.baseURLs[1])): unhealthy, reports status \"down\" on /health")
            #expect(results[1].message(in: .french) == "nœud 1 (\(cluster.baseURLs[1]))\u{00A0}: en mauvaise santé, signale l’état «\u{00A0}down\u{00A0}» sur /health")
            #expect(results[0].message(in: .english).hasPrefix("node 0 (\(cluster.baseURLs[0])): healthy, "))
        }
    }

    @Test(arguments: [
        ("{\"status\":\"UP\"}", true), ("{\"status\":\"pass\"}", true), ("{\"status\":\"healthy\"}", true),
        ("{\"status\":\"degraded\"}", false), ("{\"status\":false}", false), ("{\"uptime\":5}", true),
        ("OK", true), ("<html>not json</html>", true), ("[1,2]", true),
    ])
    func healthBodies(_ body: String, _ healthy: Bool) async throws {
        try await withClient(nodes: 1) { cluster, client in
            await cluster[0].setFault(.status(200, body: body))
            let result = try await client.checkNode(0)
            #expect(result.healthy == healthy)
        }
    }

    @Test func aHugeHealthBodyIsReadOnlyUpTo64KiB() async throws {
        try await withClient(nodes: 1) { cluster, client in
            await cluster[0].setFault(.oversizedBody(10 << 20))
            let result = try await client.checkNode(0)
            #expect(result.healthy)
            #expect(result.status == 200)
        }
    }

    @Test func aHangingCheckEndsAtItsTimeout() async throws {
        try await withClient(nodes: 1, configure: { $0.healthCheck.timeout = .milliseconds(300) }) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            let result = try await client.checkNode(0)
            #expect(!result.healthy)
            #expect(result.problem == .transport(TransportFailure(.timeout)))
            #expect(result.latency >= .milliseconds(290))
        }
    }

    @Test func theNextPathIsTriedWhenOneAnswers404() async throws {
        try await withClient(nodes: 1, configure: { $0.healthCheck.paths = ["/healthz", "/health"] }) { cluster, client in
            let result = try await client.checkNode(0)
            #expect(result.healthy)
            #expect(result.path == "/health")
            #expect(await cluster[0].requestCount(path: "/healthz") == 1)
        }
        try await withClient(nodes: 1, configure: { $0.healthCheck.paths = ["/healthz", "/ready"] }) { _, client in
            let result = try await client.checkNode(0)
            #expect(result.problem == .noHealthPath(["/healthz", "/ready"]))
            #expect(result.message(in: .english).hasSuffix("unhealthy, no health endpoint at /healthz, /ready (404)"))
        }
    }

    @Test func checksSendNoHeaderOfTheUser() async throws {
        try await withClient(nodes: 1) { cluster, client in
            _ = try await client.get("/api/stats", headers: ["Authorization": "Bearer secret", "Cookie": "session=1"])
            _ = try await client.checkNode(0)
            let check = try #require(await cluster[0].requests.last { $0.path == "/health" })
            let names = check.headers.map { $0.name.lowercased() }
            #expect(!names.contains("authorization"))
            #expect(!names.contains("cookie"))
        }
    }

    @Test func aRefusedCheckTakesTheNodeDownAtOnce() async throws {
        try await withClient(nodes: 2) { cluster, client in
            await cluster[0].kill()
            let result = try await client.checkNode(0)
            #expect(result.problem == .transport(TransportFailure(.connectionRefused)))
            #expect(client.status().nodes[0].state == .down)
        }
    }

    @Test func badgesFromLiveNodes() async throws {
        try await withClient(nodes: 4) { cluster, client in
            await cluster[1].kill()
            try client.disable(node: 2)
            for _ in 0..<3 {
                for index in [0, 1] { _ = try await client.checkNode(index) }
            }
            let badges = client.status().nodes.map(\.badge)
            #expect(badges == [.excellent, .critical, .disabled, .unknown])
            #expect(client.status().nodes[0].metrics.uptime == 1)
            #expect(client.status().nodes[1].metrics.uptime == 0)
            #expect(client.status().nodes[0].metrics.lastCheck != nil)
        }
    }

    @Test func theHealthCheckServiceRunsUntilCancelled() async throws {
        try await withClient(nodes: 1, configure: { $0.healthCheck.interval = .milliseconds(50) }) { cluster, client in
            let log = EventLog(client)
            let service = Task { try await client.healthCheckService.run() }
            #expect(await log.wait { $0.kind == "healthCheckDone" } != nil)
            service.cancel()
            _ = try? await service.value
            #expect(await cluster[0].requestCount(path: "/health") >= 1)
        }
    }
}
