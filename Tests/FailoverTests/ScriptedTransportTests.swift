import Failover
import Foundation
import NIOCore
import Testing
import Locking

/// A transport that answers from a script, for pipeline decisions that real sockets make racy.
final class ScriptedTransport: Transport {
    enum Step: Sendable {
        case respond(Int)
        case fail(TransportFailure.Kind)
    }

    private let steps: LockedValue<[String: [Step]]>
    let sent = LockedValue<[String]>([])

    /// Steps by host:port, consumed in order; a node with no step left answers 200.
    init(_ steps: [String: [Step]]) {
        self.steps = LockedValue(steps)
    }

    func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        let key = String(request.url.split(separator: "/")[1])
        sent.withLock { $0.append(key) }
        let step = steps.withLock { steps -> Step in
            guard var list = steps[key], !list.isEmpty else { return .respond(200) }
            let first = list.removeFirst()
            steps[key] = list
            return first
        }
        switch step {
        case .respond(let status): return TransportResponse(status: status)
        case .fail(let kind): throw TransportFailure(kind)
        }
    }

    func shutdown() async throws {}
}

@Suite("Pipeline decisions with a scripted transport")
struct ScriptedTransportTests {
    func client(_ transport: ScriptedTransport, maxRetries: Int = 0) throws -> FailoverClient {
        var configuration = try FailoverClient.Configuration(primary: "http://a:1", backups: ["http://b:2"])
        configuration.retry.maxRetries = maxRetries
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        return FailoverClient(configuration: configuration, transport: transport)
    }

    @Test func aStaleConnectionIsRetriedOnceOnTheSameNodeWithoutBlame() async throws {
        let transport = ScriptedTransport(["a:1": [.fail(.connectionClosed)]])
        let client = try client(transport)
        let response = try await client.get("/x")
        #expect(response.node.index == 0)
        #expect(response.attempts.map(\.outcome.identifier) == ["connectionClosed", "200"])
        #expect(client.status().nodes[0].consecutiveFailures == 0)
        try await client.shutdown()
    }

    @Test func aSecondClosedConnectionFailsOver() async throws {
        let transport = ScriptedTransport(["a:1": [.fail(.connectionClosed), .fail(.connectionRefused)]])
        let client = try client(transport)
        let response = try await client.get("/x")
        #expect(response.attempts.map(\.outcome.identifier) == ["connectionClosed", "connectionRefused", "200"])
        #expect(client.status().nodes[0].state == .down)
        try await client.shutdown()
    }

    @Test func aPostOnAClosedConnectionIsNotResent() async throws {
        let transport = ScriptedTransport(["a:1": [.fail(.connectionClosed)]])
        let client = try client(transport)
        let error = await client.failure(FailoverRequest(method: .POST, path: "/items", body: ByteBuffer(string: "{}")))
        #expect(error?.code == .notResent)
        #expect(transport.sent.withLock { $0 } == ["a:1"])
        try await client.shutdown()
    }

    @Test func a429EverywhereIsDeliveredEvenWithoutRetries() async throws {
        let transport = ScriptedTransport(["a:1": [.respond(429)], "b:2": [.respond(429)]])
        let client = try client(transport, maxRetries: 0)
        let response = try await client.get("/x")
        #expect(response.status.code == 429)
        #expect(client.status().nodes.allSatisfy { $0.consecutiveFailures == 0 })
        try await client.shutdown()
    }

    @Test func retriesAfterAStaleConnectionStillCount() async throws {
        let transport = ScriptedTransport(["a:1": [.fail(.connectionClosed), .respond(503), .respond(503), .respond(503)]])
        let client = try client(transport, maxRetries: 1)
        let response = try await client.get("/x")
        #expect(response.attempts.map(\.outcome.identifier) == ["connectionClosed", "503", "503", "200"])
        #expect(response.attempts.map(\.node) == [0, 0, 0, 1])
        try await client.shutdown()
    }

    /// Passive recovery: with no health checks, the answers a down node gives as a last resort
    /// bring it back, and the success that does it says so (`rise` successes, then `nodeRecovered`).
    @Test func aDownNodeThatAnswersAgainRecoversWithAnEvent() async throws {
        let transport = ScriptedTransport(["a:1": [.fail(.connectionRefused)], "b:2": [.respond(200), .respond(503)]])
        let client = try client(transport)
        let events = LockedValue<[FailoverEvent]>([])
        client.observeEvents { event in events.withLock { $0.append(event) } }
        func recoveries() -> [Int] {
            events.withLock { $0.compactMap { if case .nodeRecovered(let node, _) = $0 { node } else { nil } } }
        }

        // a refuses: down at once; b answers and becomes current.
        #expect(try await client.get("/x").node.index == 1)
        #expect(client.status().nodes[0].state == .down)
        // b answers 503: a, down, is tried as a last resort and answers: one success of two, and current.
        let second = try await client.get("/x")
        #expect(second.attempts.map(\.node) == [1, 0])
        #expect(client.status().nodes[0].state == .probing)
        #expect(client.status().current == 0)
        #expect(recoveries().isEmpty)
        // Its second success in a row: healthy, and said once.
        #expect(try await client.get("/x").node.index == 0)
        #expect(client.status().nodes[0].state == .healthy)
        #expect(recoveries() == [0])
        try await client.shutdown()
    }
}
