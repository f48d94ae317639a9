import Failover
import FailoverDemo
import Foundation
import Localization
import NIOCore
import Testing
import TestSupport

@Suite("Failover under load")
struct LoadTests {
    /// Sends `count` GETs, `concurrency` at a time, and returns how many succeeded.
    static func send(_ count: Int, concurrency: Int, path: String = "/api/stats", through client: FailoverClient) async -> (succeeded: Int, nodes: [Int]) {
        await withTaskGroup(of: Int?.self) { group in
            var started = 0
            var succeeded = 0
            var nodes: [Int] = []
            func collect(_ node: Int?) {
                if let node {
                    succeeded += 1
                    nodes.append(node)
                }
            }
            while started < min(concurrency, count) {
                group.addTask { try? await client.get(path).node.index }
                started += 1
            }
            while let result = await group.next() {
                collect(result)
                if started < count {
                    group.addTask { try? await client.get(path).node.index }
                    started += 1
                }
            }
            return (succeeded, nodes)
        }
    }

    @Test func aFullOutageIsBoundedByTheRetryBudget() async throws {
        let requests = 300
        let concurrency = 10
        let budgeted = try await withClient { cluster, client in
            for node in cluster.nodes { await node.setFault(.status(503)) }
            let result = await Self.send(requests, concurrency: concurrency, through: client)
            #expect(result.succeeded == 0)
            var attempts = 0
            for node in cluster.nodes { attempts += await node.requestCount }
            return attempts
        }
        // Each request: 1 first attempt, plus budgeted attempts (reserve 10 + 0.2 per request), plus
        // free failovers to nodes not yet marked down, which only the first waves of requests see.
        let bound = requests + 10 + requests / 5 + 4 * concurrency
        #expect(budgeted <= bound, "\(budgeted) attempts for \(requests) requests")

        let unbudgeted = try await withClient(configure: { $0.retry.budget = nil }) { cluster, client in
            for node in cluster.nodes { await node.setFault(.status(503)) }
            _ = await Self.send(requests, concurrency: concurrency, through: client)
            var attempts = 0
            for node in cluster.nodes { attempts += await node.requestCount }
            return attempts
        }
        // Without the budget every request tries every node twice: the budget is what bounds it.
        #expect(unbudgeted >= requests * 5)
        #expect(budgeted * 3 < unbudgeted)
    }

    @Test func twoHundredConcurrentRequestsSurviveTheCurrentNodeBeingKilled() async throws {
        try await withClient(configure: {
            $0.timeouts = .init(request: .seconds(3), total: .seconds(10), connect: .milliseconds(500))
            $0.maxConnectionsPerNode = 64
        }) { cluster, client in
            // Killed once it has some of the requests, while it serves them (each takes 250 ms, 64 at
            // a time): most of the 200 are still to come.
            let killer = Task {
                while await cluster[0].requestCount(path: "/api/slow") < 20 { try? await Task.sleep(for: .milliseconds(5)) }
                await cluster[0].kill()
            }
            let result = await Self.send(200, concurrency: 200, path: "/api/slow?ms=250", through: client)
            await killer.value
            #expect(result.succeeded == 200)
            #expect(result.nodes.contains(1), "the kill happened after every request was served")
            #expect(client.status().current == 1)
        }
    }
}

@Suite("Manual control and status")
struct ControlTests {
    @Test func useFailoverRecoverAndReset() async throws {
        try await withClient { (cluster: DemoCluster, client: FailoverClient) async throws -> Void in
            let log = EventLog(client)
            #expect(try client.use(node: 2).index == 2)
            #expect(try await client.get("/api/stats").node.index == 2)
            #expect(try client.failover().index == 0)
            #expect(try client.failover().index == 1)
            #expect(try client.recover().index == 0)
            #expect(try await client.get("/api/stats").node.index == 0)

            await cluster[0].setFault(.status(500))
            #expect(try await client.get("/api/stats").node.index == 1)
            #expect(client.status().nodes[0].state == .suspect)
            #expect(client.status().nodes[0].consecutiveFailures == 1)
            #expect(client.status().nodes[0].lastError == "500")
            client.reset()
            #expect(client.status().nodes[0].state == .unknown)

            let events = await log.events().filter { $0.kind == "switchedNode" }
            #expect(events.first?.message(in: .english) == "Switched to node 2 (\(cluster.baseURLs[2])) by hand")
            #expect(events.first?.message(in: .french) == "Basculement manuel vers le nœud 2 (\(cluster.baseURLs[2]))")
            #expect(events.contains { $0.message(in: .english) == "Back to the primary, node 0 (\(cluster.baseURLs[0]))" })
        }
    }

    @Test func statusReportsEveryNode() async throws {
        try await withClient { cluster, client in
            _ = try await client.get("/api/stats")
            let status = client.status()
            #expect(status.current == 0)
            #expect(status.nodes.map(\.role) == [.primary, .backup, .backup])
            #expect(status.nodes.map(\.url.description) == cluster.baseURLs)
            #expect(status.nodes[0].state == .healthy)
            #expect(status.nodes[0].lastLatency != nil)
            #expect(status.nodes[0].totalRequests == 1)
            #expect(status.nodes[1].state == .unknown)
        }
    }

    @Test func anInvalidNodeIndexSaysWhichOnesExist() async throws {
        try await withClient { _, client in
            do {
                try client.use(node: 7)
                Issue.record("expected an error")
            } catch let error as FailoverError {
                #expect(error.code == .invalidNode)
                #expect(error.message(in: .english) == "There is no node 7 (nodes are numbered 0 to 2)")
                #expect(error.message(in: .french) == "Il n’y a pas de nœud 7 (les nœuds sont numérotés de 0 à 2)")
            }
        }
    }

    @Test func anAbsoluteURLIsNotAPath() async throws {
        try await withClient { cluster, client in
            let error = await client.failure(FailoverRequest(path: "http://example.com/x"))
            #expect(error?.code == .invalidRequest)
            #expect(await cluster[0].requestCount == 0)
        }
    }

    @Test func aShutDownClientRefusesRequests() async throws {
        let configuration = try FailoverClient.Configuration(primary: "http://127.0.0.1:9")
        let client = FailoverClient(configuration: configuration)
        try await client.shutdown()
        try await client.shutdown()
        let error = await client.failure(FailoverRequest(path: "/"))
        #expect(error?.code == .shutdown)
    }
}
