import FailoverDemo
import Foundation
import Testing

@testable import Failover

/// A client's end: dropped without `shutdown()`, it still stops its work and closes its connections.
@Suite("Client lifecycle")
struct LifecycleTests {
    @Test func aClientDroppedWithoutShutdownClosesItsConnections() async throws {
        let cluster = try await DemoCluster.start(count: 1)
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: [])
        configuration.healthCheck.interval = .milliseconds(20)
        configuration.selectionTTL = .zero
        var client: FailoverClient? = FailoverClient(configuration: configuration)
        weak let weakClient = client
        _ = try await client?.get("/api/stats")
        #expect(await cluster[0].openConnectionCount >= 1)
        client = nil
        // A health-check round in progress holds it until the round ends.
        for _ in 0..<200 where weakClient != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(weakClient == nil)
        // The connection closes, and the health checks stop (the node's count stops growing).
        var open = await cluster[0].openConnectionCount
        for _ in 0..<200 where open > 0 {
            try await Task.sleep(for: .milliseconds(10))
            open = await cluster[0].openConnectionCount
        }
        #expect(open == 0)
        let checks = await cluster[0].requestCount(path: "/health")
        try await Task.sleep(for: .milliseconds(100))
        #expect(await cluster[0].requestCount(path: "/health") == checks)
        await cluster.shutdown()
    }
}
