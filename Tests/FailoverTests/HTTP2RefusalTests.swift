import Failover
import FailoverDemo
import Foundation
import NIOCore
import Testing

/// HTTP/2 refusals that RFC 9113 proves unprocessed are re-sent, writes included, and applied once;
/// any other stream reset keeps the rule that a write that reached a node is not re-sent.
@Suite("HTTP/2 re-sends that are proven safe")
struct HTTP2RefusalTests {
    private func post() -> FailoverRequest {
        FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{\"name\":\"a\"}"))
    }

    /// Two HTTPS nodes; with `warm`, a first request opens the HTTP/2 connection the faults then
    /// happen on, else the request of the test is the connection's first stream (id 1).
    private func withTwoNodes(warm: Bool = true, _ body: (DemoCluster, FailoverClient) async throws -> Void) async throws {
        let pki = try TestPKI()
        try await withTLSClient(nodes: [try pki.node("a"), try pki.node("b")], configure: { $0.tls = (try? pki.clientTLS()) ?? .init() }) {
            cluster, client in
            if warm { _ = try await client.get("/api/stats") }
            try await body(cluster, client)
        }
    }

    @Test func aRefusedFirstStreamIsResentAndAppliedOnce() async throws {
        try await withTwoNodes(warm: false) { cluster, client in
            await cluster[0].refuseStreams(1)
            let response = try await client.execute(post())
            #expect(response.status == .created)
            #expect(response.attempts.map(\.outcome.identifier) == ["refusedStream", "201"])
            #expect(cluster.ledger.itemCount == 1)
        }
    }

    @Test func aGoAwayWithLastStreamZeroMakesThePostBeResentAndAppliedOnce() async throws {
        try await withTwoNodes(warm: false) { cluster, client in
            await cluster[0].goAway(closeAfter: .milliseconds(50))
            let response = try await client.execute(post())
            #expect(response.status == .created)
            #expect(response.attempts.map(\.outcome.identifier) == ["goaway", "201"])
            #expect(response.attempts.first?.outcome.detail == "GOAWAY last-stream-id 0")
            #expect(cluster.ledger.itemCount == 1)
            #expect(await cluster[0].requestCount(path: "/api/items") + cluster[1].requestCount(path: "/api/items") == 1)
        }
    }

    @Test func aRefusedStreamIsResentOnTheSameNodeAndAppliedOnce() async throws {
        try await withTwoNodes { cluster, client in
            await cluster[0].refuseStreams(1)
            let response = try await client.execute(post())
            #expect(response.status == .created)
            #expect(response.node.index == 0)
            #expect(response.attempts.map(\.outcome.identifier) == ["refusedStream", "201"])
            #expect(cluster.ledger.itemCount == 1)
            #expect(await cluster[0].requestCount(path: "/api/items") == 1)
            #expect(await cluster[1].requestCount == 0)
            #expect(client.status().nodes[0].state == .healthy, "a refusal says nothing against the node")
        }
    }

    @Test(arguments: [Duration.milliseconds(50), .zero])
    func aStreamAboveAGoAwayIsResentAndAppliedOnce(closeAfter: Duration) async throws {
        try await withTwoNodes { cluster, client in
            await cluster[0].goAway(closeAfter: closeAfter)
            let response = try await client.execute(post())
            #expect(response.status == .created)
            #expect(response.attempts.first?.outcome.identifier == "goaway", "\(response.attempts.map(\.outcome.detail))")
            #expect(response.attempts.count == 2)
            #expect(cluster.ledger.itemCount == 1)
            #expect(await cluster[0].requestCount(path: "/api/items") + cluster[1].requestCount(path: "/api/items") == 1)
        }
    }

    @Test func aNodeThatKeepsRefusingIsLeftForTheNextNode() async throws {
        try await withTwoNodes { cluster, client in
            await cluster[0].refuseStreams(5)
            let response = try await client.execute(post())
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.outcome.identifier) == ["refusedStream", "refusedStream", "201"])
            #expect(cluster.ledger.itemCount == 1)
        }
    }

    @Test func anotherStreamResetAfterTheRequestWasSentIsNotResentForAPost() async throws {
        try await withTwoNodes { cluster, client in
            await cluster[0].setFault(.resetBeforeHeaders, forRequests: 1)
            let error = await client.failure(post())
            #expect(error?.code == .notResent)
            #expect(error?.attempts.map(\.outcome.identifier) == ["connectionReset"])
            #expect(await cluster[0].requestCount(path: "/api/items") == 1)
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func aStreamResetMidBodyIsNotResentForAPost() async throws {
        try await withTwoNodes { cluster, client in
            await cluster[0].setFault(.resetMidBody, forRequests: 1)
            let error = await client.failure(post())
            #expect(error?.code == .notResent)
            #expect(await cluster[1].requestCount == 0)
        }
    }
}
