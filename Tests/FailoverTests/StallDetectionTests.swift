import CoreMetrics
import FailoverDemo
import Foundation
import Testing

@testable import Failover

@Suite("Stall detection: what a node owes and when it last spoke")
struct NodeActivityTests {
    let t0 = ContinuousClock.now

    @Test func aNodeThatOwesNothingNeverStalls() {
        let activity = NodeActivity()
        #expect(activity.stall(at: t0 + .seconds(60), threshold: .milliseconds(20)) == nil)
        activity.begin(at: t0)
        _ = activity.end(at: t0 + .milliseconds(1), spoke: true)
        #expect(activity.stall(at: t0 + .seconds(60), threshold: .milliseconds(20)) == nil)
    }

    @Test func anOutstandingAttemptStallsOnceTheThresholdPasses() throws {
        let activity = NodeActivity()
        activity.begin(at: t0)
        activity.begin(at: t0 + .milliseconds(5))
        #expect(activity.stall(at: t0 + .milliseconds(20), threshold: .milliseconds(20)) == nil)
        let stall = try #require(activity.stall(at: t0 + .milliseconds(30), threshold: .milliseconds(20)))
        #expect(stall.silence == .milliseconds(30))
        #expect(stall.outstanding == 2)
    }

    @Test func anEndThatSpokeRestartsTheSilenceATimeoutDoesNot() {
        let activity = NodeActivity()
        activity.begin(at: t0)
        activity.begin(at: t0)
        _ = activity.end(at: t0 + .milliseconds(25), spoke: false)  // a timeout
        #expect(activity.stall(at: t0 + .milliseconds(30), threshold: .milliseconds(20))?.silence == .milliseconds(30))
        activity.begin(at: t0 + .milliseconds(30))
        _ = activity.end(at: t0 + .milliseconds(40), spoke: true)  // an answer
        #expect(activity.stall(at: t0 + .milliseconds(50), threshold: .milliseconds(20)) == nil)
        #expect(activity.stall(at: t0 + .milliseconds(70), threshold: .milliseconds(20))?.silence == .milliseconds(30))
    }

    @Test func aNodeIdleThenBusyCountsItsSilenceFromTheFirstAttempt() {
        let activity = NodeActivity()
        activity.begin(at: t0)
        _ = activity.end(at: t0 + .milliseconds(1), spoke: true)
        activity.begin(at: t0 + .seconds(10))  // owed nothing for 10 s: that was not silence
        #expect(activity.stall(at: t0 + .seconds(10) + .milliseconds(10), threshold: .milliseconds(20)) == nil)
        #expect(activity.stall(at: t0 + .seconds(10) + .milliseconds(21), threshold: .milliseconds(20)) != nil)
    }

    @Test func theAutomaticThresholdWaitsForALatencyAndHasAFloor() {
        let activity = NodeActivity()
        activity.begin(at: t0)
        #expect(activity.stall(at: t0 + .seconds(3), threshold: nil) == nil)  // nothing known of the node yet
        activity.setAutomaticThreshold(p99: .milliseconds(1))
        #expect(activity.threshold == .milliseconds(20))
        #expect(activity.stall(at: t0 + .milliseconds(19), threshold: nil) == nil)
        #expect(activity.stall(at: t0 + .milliseconds(21), threshold: nil) != nil)
        activity.setAutomaticThreshold(p99: .milliseconds(10))
        #expect(activity.threshold == .milliseconds(80))
        #expect(activity.stall(at: t0 + .milliseconds(79), threshold: nil) == nil)
    }

    @Test func aStallIsReportedOnceAndItsEndOnce() {
        let activity = NodeActivity()
        activity.begin(at: t0)
        #expect(activity.end(at: t0, spoke: true) == false)  // never reported: nothing ends
        activity.begin(at: t0)
        #expect(activity.reportStall())
        #expect(!activity.reportStall())
        activity.begin(at: t0)
        #expect(activity.end(at: t0 + .milliseconds(50), spoke: false) == false)  // a timeout ends no stall
        #expect(activity.end(at: t0 + .milliseconds(60), spoke: true))
        #expect(activity.end(at: t0 + .milliseconds(60), spoke: true) == false)
        #expect(activity.reportStall())  // a new stall
    }

    @Test func aStallWhoseAttemptsAllEndSilentlyIsOverWithoutAWord() {
        let activity = NodeActivity()
        activity.begin(at: t0)
        activity.begin(at: t0)
        #expect(activity.reportStall())
        #expect(activity.end(at: t0 + .seconds(1), spoke: false) == false)  // one timeout: still owes one
        #expect(!activity.reportStall())
        #expect(activity.end(at: t0 + .seconds(1), spoke: false) == false)  // owes nothing now
        activity.begin(at: t0 + .seconds(2))
        #expect(activity.reportStall())  // the next stall is reported again
    }

    @Test(arguments: [1, 2, 7, 100, 511, 512, 1000])
    func theOnePassPercentileMatchesTheSortedOne(count: Int) {
        // Out of order, with repeats: a multiplicative walk modulo a prime.
        let samples = (0..<count).map { Duration.microseconds(($0 * 7_919 + count * 13) % 5_003) }
        let sorted = samples.sorted()
        for percent in [50, 90, 95, 99, 100] {
            #expect(NodeMetrics.upperPercentile(percent, of: samples) == NodeMetrics.percentile(percent, of: sorted), "p\(percent) of \(count)")
        }
        #expect(NodeMetrics.upperPercentile(99, of: []) == nil)
    }

    @Test func theTailIsRefreshedOftenAtFirstThenEverySixtyFourLatencies() {
        var metrics = NodeMetrics()
        #expect(metrics.refreshedTail() == nil)
        var refreshes = 0
        for index in 1...160 {
            metrics.recordRequest(success: true, latency: .milliseconds(index), error: nil)
            if metrics.refreshedTail() != nil { refreshes += 1 }
        }
        #expect(refreshes == 32 + 2)  // each of the first 32, then at 96 and 160
        metrics.recordRequest(success: false, latency: .seconds(9), error: "timeout")
        #expect(metrics.refreshedTail() == nil)  // a failure is no latency of the node's answers
    }
}

@Suite("Stall detection: the order of the candidates")
struct StallOrderTests {
    static func cluster(_ count: Int = 3) -> ClusterState {
        let nodes = (0..<count).map { Node(index: $0, url: try! NodeURL.parse("http://127.0.0.1:\(9000 + $0)").get()) }
        return ClusterState(nodes: nodes, rise: 2, fall: 2, broadcaster: EventBroadcaster(),
                            metrics: MetricsRecorder(factory: NOOPMetricsHandler.instance, nodeCount: count))
    }

    let t0 = ContinuousClock.now
    let after = FailoverClient.Configuration.StallDetection.after(.milliseconds(20))

    @Test func aStalledFirstNodeGoesBehindTheOthersThatSpeak() {
        let cluster = Self.cluster()
        cluster.candidates().list[0].activity.begin(at: t0)
        let early = cluster.candidates(at: t0 + .milliseconds(10), stallDetection: after)
        #expect(early.list.map(\.node.index) == [0, 1, 2])
        #expect(!early.avoidedStall)
        let late = cluster.candidates(at: t0 + .milliseconds(30), stallDetection: after)
        #expect(late.list.map(\.node.index) == [1, 2, 0])
        #expect(late.avoidedStall)
        #expect(late.current == cluster.nodes[0].url)
        #expect(late.reported.count == 1)
        if case .nodeStalled(let node, _, let silence, let outstanding)? = late.reported.first {
            #expect(node == 0 && silence == .milliseconds(30) && outstanding == 1)
        } else {
            Issue.record("expected a stall event, got \(late.reported)")
        }
        // Reported once per stall.
        #expect(cluster.candidates(at: t0 + .milliseconds(40), stallDetection: after).reported.isEmpty)
    }

    @Test func aStalledNodeFurtherDownAlsoGoesBehindTheOnesThatSpeak() {
        let cluster = Self.cluster()
        cluster.candidates().list[1].activity.begin(at: t0)
        let selection = cluster.candidates(at: t0 + .milliseconds(30), stallDetection: after)
        #expect(selection.list.map(\.node.index) == [0, 2, 1])
        #expect(selection.list.map(\.isStalled) == [false, false, true])
        #expect(!selection.avoidedStall)  // the request starts where it would have: it may switch nodes
        #expect(selection.reported.count == 1)
    }

    @Test func aZeroThresholdIsOff() {
        let cluster = Self.cluster()
        cluster.candidates().list[0].activity.begin(at: t0)
        let selection = cluster.candidates(at: t0 + .seconds(5), stallDetection: .after(.zero))
        #expect(selection.list.map(\.node.index) == [0, 1, 2])
        #expect(FailoverClient.Configuration.StallDetection.after(.zero).configurationValue == "off")
        #expect(FailoverClient.Configuration.StallDetection.after(.microseconds(1500)).configurationValue == "1.5ms")
    }

    @Test func offKeepsTheOrder() {
        let cluster = Self.cluster()
        cluster.candidates().list[0].activity.begin(at: t0)
        let selection = cluster.candidates(at: t0 + .seconds(5), stallDetection: .off)
        #expect(selection.list.map(\.node.index) == [0, 1, 2])
        #expect(!selection.avoidedStall)
    }

    @Test func whenEveryEligibleNodeStallsTheOrderStays() {
        let cluster = Self.cluster(2)
        for candidate in cluster.candidates().list { candidate.activity.begin(at: t0) }
        let selection = cluster.candidates(at: t0 + .seconds(1), stallDetection: after)
        #expect(selection.list.map(\.node.index) == [0, 1])
        #expect(!selection.avoidedStall)
    }

    @Test func stalledNodesGoAfterTheSpeakingOnesButBeforeTheDownOnes() {
        let cluster = Self.cluster(4)
        let nodes = cluster.nodes
        cluster.recordFailure(node: nodes[3], outcome: .failure(TransportFailure(.connectionRefused)), latency: nil)  // down
        let list = cluster.candidates().list
        list[0].activity.begin(at: t0)
        list[1].activity.begin(at: t0)
        let selection = cluster.candidates(at: t0 + .milliseconds(50), stallDetection: after)
        #expect(selection.list.map(\.node.index) == [2, 0, 1, 3])
        #expect(selection.list.map(\.isLastResort) == [false, false, false, true])
        #expect(selection.reported.count == 2)
    }

    @Test func aDownNodeLeftAsTheOnlyOtherChoiceIsNotPreferredToAStalledOne() {
        let cluster = Self.cluster(2)
        cluster.recordFailure(node: cluster.nodes[1], outcome: .failure(TransportFailure(.connectionRefused)), latency: nil)
        cluster.candidates().list[0].activity.begin(at: t0)
        let selection = cluster.candidates(at: t0 + .seconds(1), stallDetection: after)
        #expect(selection.list.map(\.node.index) == [0, 1])
        #expect(!selection.avoidedStall)
    }
}

@Suite("Stall detection against real nodes")
struct StallDetectionIntegrationTests {
    static func stallAfter(_ threshold: FailoverClient.Configuration.StallDetection) -> (inout FailoverClient.Configuration) -> Void {
        { configuration in
            configuration.stallDetection = threshold
            configuration.timeouts = .init(request: .seconds(3), total: .seconds(8), connect: .milliseconds(500))
        }
    }

    /// Sends a GET in the background and waits until the node has received it.
    static func hangingRequest(on node: DemoNode, client: FailoverClient) async throws -> Task<FailoverResponse, any Error> {
        let before = await node.requestCount(path: "/api/stats")
        let task = Task { try await client.get("/api/stats") }
        for _ in 0..<1_000 where await node.requestCount(path: "/api/stats") == before {
            try await Task.sleep(for: .milliseconds(5))
        }
        if await node.requestCount(path: "/api/stats") == before { Issue.record("the node never received the request") }
        return task
    }

    @Test func aSilentPrimaryGetsNoNewRequestsAndStaysCurrent() async throws {
        try await withClient(configure: Self.stallAfter(.after(.milliseconds(50)))) { cluster, client in
            let log = EventLog(client)
            await cluster[0].setFault(.hangBeforeHeaders)
            let hanging = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: .milliseconds(150))

            let response = try await client.get("/api/stats")
            #expect(response.node.index == 1)
            #expect(response.attempts.map(\.node) == [1])
            #expect(await cluster[0].requestCount(path: "/api/stats") == 1)
            #expect(client.status().current == 0)  // nothing failed: no switch
            #expect(client.status().nodes[0].state != .down)
            let stalled = await log.wait { if case .nodeStalled(0, _, _, 1) = $0 { true } else { false } }
            #expect(stalled != nil)
            #expect(stalled?.message(in: .french).contains("n’a rien répondu depuis") == true)
            hanging.cancel()
            _ = try? await hanging.value
        }
    }

    @Test func theStalledNodeTakesItsPlaceBackWhenItAnswers() async throws {
        try await withClient(configure: Self.stallAfter(.after(.milliseconds(50)))) { cluster, client in
            let log = EventLog(client)
            await cluster[0].setFault(.delay(.milliseconds(1_500)))
            let slow = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await client.get("/api/stats").node.index == 1)

            #expect(try await slow.value.node.index == 0)  // it answers, late
            await cluster[0].setFault(.none)
            #expect(try await client.get("/api/stats").node.index == 0)
            #expect(client.status().current == 0)
            #expect(await log.wait { if case .nodeResumed(0, _) = $0 { true } else { false } } != nil)
            #expect(!(await log.events()).contains { if case .switchedNode = $0 { true } else { false } })
        }
    }

    @Test func withStallDetectionOffANewRequestWaitsOnTheSilentNode() async throws {
        try await withClient(configure: { configuration in
            configuration.stallDetection = .off
            configuration.timeouts = .init(request: .seconds(1), total: .seconds(5), connect: .seconds(1))
        }) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            let hanging = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: .milliseconds(150))
            let response = try await client.get("/api/stats")
            #expect(response.attempts.map(\.node) == [0, 1])
            #expect(response.attempts.first?.outcome == .failure(TransportFailure(.timeout)))
            _ = try? await hanging.value
        }
    }

    @Test func theAutomaticThresholdLearnsFromTheNodesAnswers() async throws {
        try await withClient(configure: { configuration in
            configuration.stallDetection = .automatic
            configuration.timeouts = .init(request: .seconds(20), total: .seconds(30), connect: .milliseconds(500))
        }) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            let unknown = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: .milliseconds(300))
            // Nothing known of what is normal for the node: no stall yet.
            #expect(client.cluster.candidates(at: .now, stallDetection: .automatic).list[0].node.index == 0)
            unknown.cancel()
            _ = try? await unknown.value
            await cluster[0].setFault(.none)

            for _ in 0..<5 { #expect(try await client.get("/api/stats").node.index == 0) }
            let threshold = try #require(client.cluster.candidates().list[0].activity.threshold)
            #expect(threshold >= .milliseconds(20))

            await cluster[0].setFault(.hangBeforeHeaders)
            let hanging = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: threshold + .milliseconds(100))
            let response = try await client.get("/api/stats")
            #expect(response.attempts.map(\.node) == [1])
            #expect(client.status().current == 0)
            hanging.cancel()
            _ = try? await hanging.value
        }
    }

    @Test func aStallAlsoSteersAPostBeforeAnythingIsSent() async throws {
        try await withClient(configure: Self.stallAfter(.after(.milliseconds(50)))) { cluster, client in
            await cluster[0].setFault(.hangBeforeHeaders)
            let hanging = try await Self.hangingRequest(on: cluster[0], client: client)
            try await Task.sleep(for: .milliseconds(150))
            let response = try await client.execute(FailoverRequest(method: .POST, path: "/api/items", body: .init(string: "{}")))
            #expect(response.node.index == 1)
            #expect(cluster.ledger.itemCount == 1)
            hanging.cancel()
            _ = try? await hanging.value
        }
    }
}
