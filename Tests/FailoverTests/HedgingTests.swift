import Failover
import FailoverDemo
import Foundation
import NIOCore
import Testing

@Suite("Hedged requests")
struct HedgingTests {
    static func hedged(_ delay: Duration) -> (inout FailoverClient.Configuration) -> Void {
        { configuration in
            configuration.hedging = .init(delay: delay)
            configuration.timeouts = .init(request: .seconds(5), total: .seconds(10), connect: .milliseconds(500))
        }
    }

    @Test func aHangingNodeIsHedgedToTheNextOne() async throws {
        try await withClient(configure: Self.hedged(.milliseconds(50))) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.node) == [1])
            #expect(!response.attempts.contains { $0.outcome == .failure(TransportFailure(.timeout)) })
            #expect(await cluster[0].requestCount(path: "/api/stats") == 1)
            #expect(client.status().current == 1)
        }
    }

    @Test func aFastNodeIsNotHedged() async throws {
        try await withClient(configure: Self.hedged(.seconds(2))) { cluster, client in
            for _ in 0..<5 {
                let response = try await client.get("/api/stats")
                #expect(response.node.index == 0)
            }
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func writesAreNeverHedged() async throws {
        try await withClient(configure: Self.hedged(.milliseconds(20))) { cluster, client in
            await cluster[0].setFault(.delay(.milliseconds(300)))
            let response = try await client.execute(FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{}")))
            #expect(response.node.index == 0)
            #expect(await cluster[1].requestCount == 0)
            #expect(cluster.ledger.itemCount == 1)
        }
    }

    @Test func whenTheHedgeFailsTooTheNormalOrderGoesOn() async throws {
        try await withClient(configure: { configuration in
            configuration.hedging = .init(delay: .milliseconds(20))
            configuration.timeouts = .init(request: .milliseconds(400), total: .seconds(5), connect: .seconds(1))
        }) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            await cluster[1].setFault(.status(503))
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 2)
            #expect(response.attempts.contains { $0.node == 0 && $0.outcome == .failure(TransportFailure(.timeout)) })
            #expect(await cluster[0].requestCount(path: "/api/stats") == 1)
        }
    }

    @Test func theFirstNodeAnsweringFirstWins() async throws {
        // Wide margins: the hedge must reach node 1 before node 0 answers, on a loaded CI machine too.
        try await withClient(configure: Self.hedged(.milliseconds(30))) { cluster, client in
            await cluster[0].setFault(.delay(.milliseconds(700)))
            await cluster[1].setFault(.delay(.seconds(3)))
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 0)
            #expect(await cluster[1].requestCount(path: "/api/stats") == 1)
        }
    }
}
