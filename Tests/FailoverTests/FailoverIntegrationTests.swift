import Failover
import FailoverDemo
import Foundation
import Localization
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The failover pipeline against real nodes on 127.0.0.1 with real faults.
@Suite("Failover against real nodes")
struct FailoverIntegrationTests {
    @Test func refusedPrimaryFailsOverAndTheBackupBecomesCurrent() async throws {
        try await withClient { cluster, client in
            await cluster[0].kill()
            let log = EventLog(client)
            let first = try await client.get("/api/stats")
            #expect(first.status == .ok)
            #expect(first.node.index == 1)
            #expect(first.attempts.map(\.node) == [0, 1])
            #expect(first.attempts.first?.outcome == .failure(TransportFailure(.connectionRefused)), "\(first.attempts.map(\.outcome.detail))")
            let status = client.status()
            #expect(status.current == 1)
            #expect(status.nodes[0].state == .down)

            let second = try await client.get("/api/stats")
            #expect(second.node.index == 1)
            #expect(second.attempts.count == 1)
            #expect(await cluster[1].requestCount(path: "/api/stats") == 2)

            let events = await log.events()
            #expect(events.contains(.switchedNode(from: 0, to: 1, url: first.node.url, reason: .failover)))
            #expect(events.contains { if case .nodeDown(0, _, _) = $0 { true } else { false } })
            let switched = events.first { $0.kind == "switchedNode" }
            #expect(switched?.message(in: .english) == "Switched to node 1 (\(cluster.baseURLs[1]))")
            #expect(switched?.message(in: .french) == "Basculement vers le nœud 1 (\(cluster.baseURLs[1]))")
        }
    }

    @Test func a503FailsOverAfterOneRetryOnTheSameNode() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.status(503))
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.outcome.identifier) == ["503", "503", "200"])
            #expect(await cluster[0].requestCount == 2)
        }
    }

    @Test func a404IsDeliveredAndNoOtherNodeIsTried() async throws {
        try await withClient { cluster, client in
            let response = try await client.get("/no/such/path")
            #expect(response.status == .notFound)
            #expect(response.node.index == 0)
            #expect(response.attempts.count == 1)
            #expect(await cluster[1].requestCount == 0)
            #expect(await cluster[2].requestCount == 0)
        }
    }

    @Test func a429WithRetryAfterWaitsThenRetriesTheSameNode() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.status(429, headers: ["Retry-After": "1"]), forRequests: 1)
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await client.get("/api/stats")
            let elapsed = start.duration(to: clock.now)
            #expect(response.status == .ok)
            #expect(response.node.index == 0)
            #expect(response.attempts.map(\.outcome.identifier) == ["429", "200"])
            #expect(elapsed >= .milliseconds(950), "Retry-After: 1 was not honoured (\(elapsed))")
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func aRetryAfterPastTheDeadlineIsNotWaitedFor() async throws {
        try await withClient(nodes: 1, configure: { $0.timeouts.total = .seconds(3) }) { cluster, client in
            await cluster[0].setFault(.status(429, headers: ["Retry-After": "30"]))
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await client.get("/api/stats")
            #expect(start.duration(to: clock.now) < .seconds(3))
            #expect(response.status == .tooManyRequests)
            #expect(await cluster[0].requestCount == 1)
        }
        try await withClient(nodes: 2, configure: { $0.timeouts.total = .seconds(3) }) { cluster, client in
            await cluster[0].setFault(.status(429, headers: ["Retry-After": "30"]))
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(await cluster[0].requestCount == 1)
        }
    }

    @Test(arguments: [DemoFault.hangBeforeHeaders, .hangMidBody])
    func aHangingNodeTimesOutAndTheNextAnswers(_ fault: DemoFault) async throws {
        try await withClient(configure: { $0.timeouts = .init(request: .milliseconds(300), total: .seconds(5), connect: .seconds(1)) }) { cluster, client in
            await cluster[0].setFault(fault)
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(response.attempts.first?.outcome == .failure(TransportFailure(.timeout)))
            #expect(response.attempts.first.map { $0.duration >= .milliseconds(290) } == true)
            #expect(response.duration < .seconds(5))
        }
    }

    /// A body that never stops arriving, but too slowly: the idle read timeout never fires, the
    /// attempt's deadline (checked as the body arrives) cuts it, and the next node answers.
    @Test func aBodyStillArrivingAtTheDeadlineIsCut() async throws {
        try await withClient(configure: { $0.timeouts = .init(request: .milliseconds(300), total: .seconds(5), connect: .seconds(1)) }) { cluster, client in
            await cluster[0].setFault(.slowBody(every: .milliseconds(20)))
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(response.attempts.first?.outcome == .failure(TransportFailure(.timeout)))
            #expect(response.attempts.first.map { $0.duration >= .milliseconds(290) } == true)
        }
    }

    @Test func theOverallDeadlineNamesTheNodesTried() async throws {
        try await withClient(configure: { $0.timeouts = .init(request: .seconds(1), total: .milliseconds(1500), connect: .seconds(1)) }) { cluster, client in
            for node in cluster.nodes { await node.setFault(.hangBeforeHeaders) }
            let error = await client.failure(FailoverRequest(path: "/api/stats"))
            #expect(error?.code == .timeout)
            #expect(error?.nodesTried == [0, 1])
            let total = 1500 * TestTiming.scale
            #expect(error?.message(in: .english) == "Request timed out after \(total) ms (nodes tried: 0, 1, of 3)")
            #expect(error?.message(in: .french) == "Délai de la requête dépassé après \(total) ms (nœuds essayés\u{00A0}: 0, 1, sur 3)")
        }
        try await withClient(configure: { $0.timeouts = .init(request: .milliseconds(400), total: .milliseconds(1000), connect: .seconds(1)) }) { cluster, client in
            for node in cluster.nodes { await node.setFault(.hangBeforeHeaders) }
            let error = await client.failure(FailoverRequest(path: "/api/stats"))
            #expect(error?.code == .timeout)
            #expect(error?.nodesTried == [0, 1, 2])
            #expect(error?.message(in: .english) == "Connection timeout after \(1000 * TestTiming.scale) ms (all 3 nodes tried)")
        }
    }

    @Test func aResetMidBodyGetIsRetriedElsewhere() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.resetMidBody)
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(response.attempts.first?.outcome == .failure(TransportFailure(.connectionReset)))
        }
    }

    @Test func aPostThatReachedANodeIsNotResentWithoutAnIdempotencyKey() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.resetMidBody)
            let error = await client.failure(FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{\"name\":\"a\"}")))
            #expect(error?.code == .notResent)
            #expect(error?.lastAttempt?.node == 0)
            #expect(await cluster[0].requestCount(path: "/api/items") == 1)
            #expect(await cluster[1].requestCount == 0)
            #expect(await cluster[2].requestCount == 0)
            let message = error?.message(in: .english) ?? ""
            #expect(message.hasPrefix("POST /api/items reached node 0 (\(cluster.baseURLs[0])) and failed there (connection reset)"))
            #expect(error?.message(in: .french).contains("a atteint le nœud 0") == true)
        }
    }

    @Test func aPostWithAnIdempotencyKeyIsResentAndAppliedOnce() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.resetMidBody)
            let request = FailoverRequest(method: .POST, path: "/api/items", headers: ["Idempotency-Key": "order-42"], body: ByteBuffer(string: "{}"))
            let response = try await client.execute(request)
            #expect(response.status == .created)
            #expect(response.node.index == 1)
            #expect(await cluster[0].requestCount(idempotencyKey: "order-42") == 1)
            #expect(await cluster[1].requestCount(idempotencyKey: "order-42") == 1)
            #expect(cluster.ledger.applications(ofKey: "order-42") == 1)
            #expect(cluster.ledger.duplicates == [])
        }
    }

    @Test func aPostIsResentWhenNothingWasSent() async throws {
        try await withClient { cluster, client in
            await cluster[0].kill()
            let response = try await client.execute(FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{}")))
            #expect(response.status == .created)
            #expect(response.node.index == 1)
            #expect(cluster.ledger.itemCount == 1)
        }
    }

    @Test func allNodesDownListsEveryAttemptInBothLanguages() async throws {
        try await withClient { cluster, client in
            for node in cluster.nodes { await node.kill() }
            let error = await client.failure(FailoverRequest(path: "/api/stats"))
            #expect(error?.code == .allNodesUnavailable)
            #expect(error?.attempts.map(\.node) == [0, 1, 2])
            #expect(error?.attempts.allSatisfy { $0.outcome == .failure(TransportFailure(.connectionRefused)) } == true)
            #expect(error?.message(in: .english) == "All 3 backend nodes are unavailable")
            #expect(error?.message(in: .french) == "Les 3 nœuds backend sont indisponibles")
            let detailed = error?.message(in: .english, includingAttempts: true).split(separator: "\n") ?? []
            #expect(detailed.count == 4)
            #expect(detailed.dropFirst().first?.hasPrefix("  node 0 (\(cluster.baseURLs[0])): connection refused, ") == true)
            let french = error?.message(in: .french, includingAttempts: true) ?? ""
            #expect(french.contains("nœud 2 (\(cluster.baseURLs[2]))\u{00A0}: connexion refusée"))
        }
    }

    @Test func malformedResponsesFailOver() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.malformed)
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 1)
            #expect(response.attempts.first?.outcome == .failure(TransportFailure(.malformedResponse)))
        }
    }

    @Test func anOversizedBodyFailsWithoutFailover() async throws {
        try await withClient(configure: { $0.maxResponseBodySize = 1 << 20 }) { cluster, client in
            await cluster[0].setFault(.oversizedBody(4 << 20))
            let error = await client.failure(FailoverRequest(path: "/api/stats"))
            #expect(error?.code == .requestFailed)
            #expect(error?.lastAttempt?.outcome == .failure(TransportFailure(.bodyTooLarge)))
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func aCustomClassifierChangesTheDecisions() async throws {
        struct NotFoundFailsOver: ErrorClassifier {
            func classify(_ context: ClassificationContext) -> FailoverDecision {
                if case .response(404) = context.outcome { return .failover }
                return DefaultErrorClassifier().classify(context)
            }
        }
        try await withClient(classifier: NotFoundFailsOver()) { cluster, client in
            await cluster[0].setFault(.status(404))
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.outcome.identifier) == ["404", "200"])
        }
    }
}
