import Failover
import FailoverDemo
import Foundation
import NIOCore
import Testing
import TestSupport

/// Load balancing within priority levels, against real nodes on 127.0.0.1.
@Suite("Load balancing within priority levels")
struct LoadBalancingTests {
    /// How many of the nodes' requests on `/api/stats` each node received.
    func counts(_ cluster: DemoCluster) async -> [Int] {
        var counts: [Int] = []
        for node in cluster.nodes { counts.append(await node.requestCount(path: "/api/stats")) }
        return counts
    }

    func send(_ client: FailoverClient, _ count: Int) async throws {
        for _ in 0..<count { _ = try await client.get("/api/stats") }
    }

    @Test func roundRobinGivesThreeNodesTenEachOfThirty() async throws {
        try await withClient(configure: { $0.loadBalancing = .roundRobin }) { cluster, client in
            try await send(client, 30)
            #expect(await counts(cluster) == [10, 10, 10])
            let status = client.status()
            #expect(status.nodes.map(\.priority) == [0, 0, 0], "one level when no priority is given")
            #expect(status.nodes.compactMap(\.share).map { ($0 * 3).rounded() } == [1, 1, 1])
        }
    }

    @Test func weightsOneThreeZeroGiveAQuarterThreeQuartersAndNothing() async throws {
        try await withClient(configure: { configuration in
            configuration.loadBalancing = .roundRobin
            configuration.nodeOptions[configuration.nodes[0]] = .init(weight: 1)
            configuration.nodeOptions[configuration.nodes[1]] = .init(weight: 3)
            configuration.nodeOptions[configuration.nodes[2]] = .init(weight: 0)
        }) { cluster, client in
            try await send(client, 40)
            #expect(await counts(cluster) == [10, 30, 0])
            // Weight 0 is out of rotation, not out of service: it still takes a failover.
            await cluster[0].kill()
            await cluster[1].kill()
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 2)
        }
    }

    @Test func aLevelSharesTrafficSpillsOverAndGetsItBack() async throws {
        try await withClient(configure: { configuration in
            configuration.loadBalancing = .roundRobin
            configuration.nodeOptions[configuration.nodes[0]] = .init(priority: 0)
            configuration.nodeOptions[configuration.nodes[1]] = .init(priority: 0)
            configuration.nodeOptions[configuration.nodes[2]] = .init(priority: 1)
            configuration.healthCheck.interval = .milliseconds(100)
            configuration.healthCheck.timeout = .milliseconds(500)
        }) { cluster, client in
            try await send(client, 20)
            #expect(await counts(cluster) == [10, 10, 0])

            await cluster[0].kill()
            await cluster[1].kill()
            for _ in 0..<10 {
                let response = try await client.get("/api/stats")
                #expect(response.node.index == 2)
            }
            try await cluster[0].revive()
            try await cluster[1].revive()
            // Back once health checks see them healthy (a guard against hanging, not a timing goal).
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            while clock.now < deadline, client.status().nodes.prefix(2).contains(where: { $0.state != .healthy }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            for node in cluster.nodes { await node.resetCounters() }
            try await send(client, 20)
            #expect(await counts(cluster) == [10, 10, 0])
            #expect(client.status().current == 0)
        }
    }

    @Test(arguments: [LoadBalancing.leastRequest, .ewma])
    func aSlowNodeGetsLittleOfFortySequentialRequests(policy: LoadBalancing) async throws {
        try await withClient(configure: { $0.loadBalancing = policy }) { cluster, client in
            // Slow against what the machine makes of the healthy nodes' answers (several times
            // slower under ThreadSanitizer).
            await cluster[1].setFault(.delay(TestTiming.scaled(.milliseconds(250))))
            try await send(client, 40)
            let counts = await counts(cluster)
            #expect(counts[1] <= 6, "\(counts)")
            #expect(counts[0] + counts[2] == 40 - counts[1])
            // Both healthy nodes take part (on a loaded machine one may look slower for a while).
            #expect(counts[0] >= 5 && counts[2] >= 5, "the healthy nodes share the rest: \(counts)")
        }
    }

    @Test func aFlakyNodeIsEjectedWithinFiftyRequestsAndReadmittedAfterItHeals() async throws {
        try await withClient(configure: { configuration in
            configuration.loadBalancing = .roundRobin
            configuration.outlierDetection?.baseEjectionTime = .milliseconds(600)
        }) { cluster, client in
            let log = EventLog(client)
            await cluster[1].setFault(.flaky(status: 500, ratio: 0.3))
            var ejectedAfter: Int?
            for sent in 1...50 {
                let response = try await client.get("/api/stats")
                #expect(response.status == .ok)
                if ejectedAfter == nil, client.status().nodes[1].ejection != nil { ejectedAfter = sent }
            }
            let after = try #require(ejectedAfter, "node 1 was not ejected")
            #expect(after <= 50)
            let ejection = try #require(client.status().nodes[1].ejection)
            #expect(ejection.reason == .failureRate(0.3))
            #expect(client.status().nodes[1].badge == .ejected)
            let event = await log.wait { if case .nodeEjected(1, _, _) = $0 { true } else { false } }
            #expect(event?.message(in: .english).contains("ejected from rotation for 0 s: 30.0 % of its recent requests failed") == true)
            #expect(event?.message(in: .french).contains("30,0\u{00A0}% de ses requêtes récentes ont échoué") == true)
            // While ejected, node 1 gets no request.
            await cluster[1].resetCounters()
            try await send(client, 6)
            #expect(await cluster[1].requestCount == 0)

            await cluster[1].setFault(.none)
            try await Task.sleep(for: .milliseconds(700))
            try await send(client, 9)
            #expect(client.status().nodes[1].ejection == nil)
            #expect(await cluster[1].requestCount(path: "/api/stats") == 3)
            #expect(await log.wait { if case .nodeReadmitted(1, _) = $0 { true } else { false } } != nil)
        }
    }

    @Test func neverMoreThanHalfOfALevelIsEjected() async throws {
        try await withClient(configure: { configuration in
            configuration.loadBalancing = .roundRobin
        }) { cluster, client in
            await cluster[1].setFault(.flaky(status: 500, ratio: 0.5))
            await cluster[2].setFault(.flaky(status: 500, ratio: 0.5))
            for _ in 0..<90 { _ = try await client.get("/api/stats") }
            let ejected = client.status().nodes.filter { $0.ejection != nil }
            #expect(ejected.count == 1)
        }
    }

    @Test func aNodeKilledUnderRoundRobinLosesNoGetAndPostsFollowTheRules() async throws {
        try await withClient(configure: { $0.loadBalancing = .roundRobin }) { cluster, client in
            await cluster[1].kill()
            for _ in 0..<12 {
                let response = try await client.get("/api/stats")
                #expect(response.status == .ok)
                #expect(response.node.index != 1)
            }
            // Refused: nothing was sent, so a POST is re-sent and applied once.
            for _ in 0..<6 {
                let response = try await client.execute(FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{}")))
                #expect(response.status == .created)
            }
            #expect(cluster.ledger.itemCount == 6)
            // A write that reached a node and was cut is not re-sent without an Idempotency-Key.
            try await cluster[1].revive()
            await cluster[0].setFault(.resetMidBody)
            await cluster[1].setFault(.resetMidBody)
            await cluster[2].setFault(.resetMidBody)
            let error = await client.failure(FailoverRequest(method: .POST, path: "/api/items", body: ByteBuffer(string: "{}")))
            #expect(error?.code == .notResent)
            #expect(error?.attempts.count == 1)
        }
    }

    @Test func aPriorityChangeMovesTheCurrentNodeUnderFailover() async throws {
        try await withClient { cluster, client in
            let log = EventLog(client)
            #expect(try await client.get("/api/stats").node.index == 0)
            try client.setPriority(5, node: 0)
            #expect(client.status().current == 1)
            #expect(try await client.get("/api/stats").node.index == 1)
            let switched = await log.wait { if case .switchedNode(_, 1, _, .priority) = $0 { true } else { false } }
            #expect(switched?.message(in: .english).hasSuffix("priorities changed") == true)
            // A node picked by hand stays picked.
            try client.use(node: 2)
            try client.setPriority(9, node: 1)
            #expect(client.status().current == 2)
        }
    }

    @Test func switchingPolicyAtRunTimeFormsOneLevelThenOrderedLevelsAgain() async throws {
        try await withClient { cluster, client in
            client.setLoadBalancing(.roundRobin)
            #expect(client.status().nodes.map(\.priority) == [0, 0, 0])
            try await send(client, 6)
            #expect(await counts(cluster) == [2, 2, 2])
            client.setLoadBalancing(.failover)
            #expect(client.status().nodes.map(\.priority) == [0, 1, 2])
            for node in cluster.nodes { await node.resetCounters() }
            try await send(client, 4)
            #expect(await counts(cluster) == [4, 0, 0])
        }
    }
}

extension LoadBalancingTests {
    /// A hedge that wins leaves the slow node's attempt unanswered: the balancer must still learn it
    /// was slow, or it keeps choosing it (and every request pays the hedge delay).
    ///
    /// Right after a request where the slow node was chosen first and hedged away, its score is
    /// its wait (hedge delay and the winner's time), far above the healthy nodes': power of two
    /// choices does not pick it for the next requests, whatever the load. Without that lesson its
    /// score stays that of a node never heard from, and it is picked in 2 draws of 3.
    @Test func ewmaWithHedgingStillLearnsThatAHedgedAwayNodeIsSlow() async throws {
        try await withClient(configure: { configuration in
            configuration.loadBalancing = .ewma
            // A hedge delay well above what a loaded machine adds to a healthy node's answers.
            configuration.hedging = .init(delay: .milliseconds(200))
        }) { cluster, client in
            await cluster[1].setFault(.delay(.milliseconds(500)))
            var hedgedAway = false
            for _ in 0..<40 where !hedgedAway {
                let before = await cluster[1].requestCount(path: "/api/stats")
                let response = try await client.get("/api/stats")
                // The slow node was sent to first when the winner started a hedge delay after the
                // request (a healthy node slowed by the machine's load may also be hedged away from,
                // with the slow node as the hedge: that one proves nothing).
                let winner = try #require(response.attempts.last)
                hedgedAway = await cluster[1].requestCount(path: "/api/stats") > before && response.node.index != 1
                    && response.duration - winner.duration >= .milliseconds(150)
            }
            try #require(hedgedAway, "the slow node was never chosen first in 40 requests")
            let chosen = await cluster[1].requestCount(path: "/api/stats")
            try await send(client, 5)
            #expect(await cluster[1].requestCount(path: "/api/stats") == chosen, "the slow node was chosen again")
        }
    }
}
