import Failover
import FailoverDemo
import Foundation
import Testing
import TestSupport

@Suite("Server-Sent Events that survive failover")
struct EventStreamTests {
    let options = EventStreamOptions(idleTimeout: .seconds(2), defaultRetry: .milliseconds(50))

    @Test func killingTheServingNodeMidStreamLosesAndRepeatsNothing() async throws {
        try await withClient { cluster, client in
            var received: [ServerSentEvent] = []
            var killed: Int?
            // The node sends an event every 80 ms (times the run's time scale): slower than the client
            // reads them, so that the kill comes while most are still to be sent.
            let interval = 80 * TestTiming.scale
            for try await event in client.eventStream(path: "/api/events?count=20&interval=\(interval)&retry=50", options: options) {
                received.append(event)
                if event.id == "5" {
                    killed = event.node
                    await cluster[event.node].kill()
                }
            }
            #expect(received.compactMap(\.id) == (1...20).map(String.init))
            #expect(received.map(\.event) == Array(repeating: "tick", count: 20))
            // Events already on their way when the node was killed may still arrive from it; after
            // the first event from another node, none does.
            let killedNode = try #require(killed)
            let switched = try #require(received.firstIndex { $0.node != killedNode })
            #expect(switched >= 5)
            #expect(received[switched...].allSatisfy { $0.node != killedNode })
            #expect(received.last?.data == "{\"n\":20,\"node\":\"node-\(received.last?.node ?? -1)\"}")
        }
    }

    @Test func aSilentNodeIsAbandonedAfterTheIdleTimeout() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.silentStream)
            let quick = EventStreamOptions(idleTimeout: .milliseconds(300), defaultRetry: .milliseconds(20))
            var received: [ServerSentEvent] = []
            for try await event in client.eventStream(path: "/api/events?count=5&interval=20&retry=20", options: quick) {
                received.append(event)
            }
            #expect(received.compactMap(\.id) == ["1", "2", "3", "4", "5"])
            #expect(received.allSatisfy { $0.node == 1 })
            #expect(await cluster[0].requestCount(path: "/api/events") == 1)
            #expect(client.status().nodes[0].lastError == "timeout")
        }
    }

    @Test func heartbeatsKeepAQuietStreamAlive() async throws {
        try await withClient { cluster, client in
            // Events 1.5 s apart, heartbeats every 100 ms, an idle timeout of 1 s: only the heartbeats
            // keep the stream on node 0.
            let quick = EventStreamOptions(idleTimeout: .seconds(1), defaultRetry: .milliseconds(20))
            var received: [ServerSentEvent] = []
            for try await event in client.eventStream(path: "/api/events?count=2&interval=1500&heartbeat=100&retry=20", options: quick) {
                received.append(event)
            }
            #expect(received.map(\.node) == [0, 0])
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func a204EndsTheStreamWithoutReconnecting() async throws {
        try await withClient { cluster, client in
            var count = 0
            for try await _ in client.eventStream(path: "/api/events?count=0", options: options) { count += 1 }
            #expect(count == 0)
            #expect(await cluster[0].requestCount(path: "/api/events") == 1)
            #expect(await cluster[1].requestCount == 0)
        }
    }

    @Test func a401EndsTheStreamWithAnErrorAndNoOtherNodeIsTried() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.status(401))
            do {
                for try await _ in client.eventStream(path: "/api/events?count=3", options: options) {}
                Issue.record("expected an error")
            } catch let error as FailoverError {
                #expect(error.code == .streamRejected)
                #expect(error.message(in: .english).hasPrefix("The event stream /api/events?count=3 was refused by node 0"))
                #expect(error.message(in: .english).hasSuffix("HTTP 401"))
            }
            #expect(await cluster[1].requestCount == 0)
            #expect(await cluster[2].requestCount == 0)
        }
    }

    @Test func a503FailsOverBeforeTheFirstEvent() async throws {
        try await withClient { cluster, client in
            await cluster[0].setFault(.status(503))
            var nodes: [Int] = []
            for try await event in client.eventStream(path: "/api/events?count=2&interval=10", options: options) { nodes.append(event.node) }
            #expect(nodes == [1, 1])
        }
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        try await withClient { cluster, client in
            let consumer = Task {
                var seen = 0
                for try await _ in client.eventStream(path: "/api/events?count=100000&interval=10", options: options) {
                    seen += 1
                    if seen == 3 { break }
                }
                return seen
            }
            #expect(try await consumer.value == 3)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while await cluster[0].openConnectionCount > 0, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await cluster[0].openConnectionCount == 0)
        }
    }

    @Test func allNodesDownEndsTheStreamWithAnError() async throws {
        try await withClient { cluster, client in
            for node in cluster.nodes { await node.kill() }
            do {
                for try await _ in client.eventStream(path: "/api/events", options: options) {}
                Issue.record("expected an error")
            } catch let error as FailoverError {
                #expect(error.code == .allNodesUnavailable)
            }
        }
    }
}
