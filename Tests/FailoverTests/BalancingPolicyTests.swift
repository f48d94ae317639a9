@testable import Failover
import Testing

/// The pure parts of load balancing: the policies' choices, the peak-EWMA, the windows, the
/// outlier rules. No sockets, no clock.
@Suite("Balancing policies")
struct BalancingPolicyTests {
    func members(_ weights: [Int], inFlight: [Int]? = nil, latency: [Double]? = nil) -> [LevelMember] {
        weights.indices.map { LevelMember(position: $0, node: $0, weight: weights[$0], inFlight: inFlight?[$0] ?? 0, latency: latency?[$0] ?? 0) }
    }

    func choices(_ policy: inout some BalancingPolicy, _ members: [LevelMember], count: Int, seed: UInt64 = 1) -> [Int] {
        var random = SplitMix64(seed: seed)
        return (0..<count).compactMap { _ in members.withUnsafeBufferPointer { policy.choose(among: $0, random: &random) } }
    }

    @Test func roundRobinGivesEachNodeItsTurn() {
        var policy = SmoothWeightedRoundRobin()
        #expect(choices(&policy, members([1, 1, 1]), count: 6) == [0, 1, 2, 0, 1, 2])
    }

    @Test func weightedRoundRobinIsSmooth() {
        var policy = SmoothWeightedRoundRobin()
        let picks = choices(&policy, members([1, 3, 0]), count: 8)
        #expect(picks.filter { $0 == 0 }.count == 2)
        #expect(picks.filter { $0 == 1 }.count == 6)
        #expect(!picks.contains(2))
        // nginx's smooth order (a tie goes to the first node): the light node is not left for the
        // end of the cycle.
        #expect(picks == [1, 0, 1, 1, 1, 0, 1, 1])
        // nginx's own example: weights 5, 1, 1 give a a b a c a a.
        var nginx = SmoothWeightedRoundRobin()
        #expect(choices(&nginx, members([5, 1, 1]), count: 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func onlyZeroWeightsChooseNothing() {
        var policy = SmoothWeightedRoundRobin()
        #expect(choices(&policy, members([0, 0]), count: 3).isEmpty)
        var least = PowerOfTwoChoices(cost: .leastRequest)
        #expect(choices(&least, members([0, 0]), count: 3).isEmpty)
    }

    @Test func leastRequestPrefersFewerInFlightThenLowerLatency() {
        var policy = PowerOfTwoChoices(cost: .leastRequest)
        let busy = members([1, 1], inFlight: [5, 1])
        #expect(Set(choices(&policy, busy, count: 50)) == [1])
        let slow = members([1, 1], inFlight: [0, 0], latency: [250e6, 1e6])
        #expect(Set(choices(&policy, slow, count: 50)) == [1])
    }

    @Test func powerOfTwoNeverChoosesTheWorstOfThree() {
        var least = PowerOfTwoChoices(cost: .leastRequest)
        let picks = choices(&least, members([1, 1, 1], inFlight: [9, 0, 1]), count: 300)
        #expect(!picks.contains(0))
        #expect(picks.contains(1) && picks.contains(2))
    }

    @Test func ewmaWeighsLatencyByRequestsInFlight() {
        var policy = PowerOfTwoChoices(cost: .peakEWMA)
        // 10 ms with 4 in flight costs 50; 30 ms with nothing in flight costs 30.
        #expect(Set(choices(&policy, members([1, 1], inFlight: [4, 0], latency: [10e6, 30e6]), count: 20)) == [1])
        #expect(Set(choices(&policy, members([1, 1], inFlight: [1, 0], latency: [10e6, 30e6]), count: 20)) == [0])
    }

    @Test func peakEWMATakesPeaksAtOnceAndDecays() {
        var ewma = PeakEWMA()
        ewma.observe(1e6, at: 0)
        #expect(ewma.value(at: 0) == 1e6)
        ewma.observe(250e6, at: 1_000_000)
        #expect(ewma.value(at: 1_000_000) == 250e6, "a slower answer is taken at once")
        ewma.observe(1e6, at: 2_000_000)
        #expect(ewma.value(at: 2_000_000) > 200e6, "a faster one right after moves it little")
        // Two seconds of silence: e^-1.
        let later = ewma.value(at: 2_000_000 + 2_000_000_000)
        #expect(abs(later - ewma.value(at: 2_000_000) * 0.3679) < 1e6)
        // After a long silence one fast answer puts it back.
        ewma.observe(1e6, at: 60_000_000_000)
        #expect(ewma.value(at: 60_000_000_000) < 1.1e6)
    }

    @Test func recentWindowForgetsOldSeconds() {
        var window = RecentWindow(seconds: 10)
        window.record(failed: true, latency: 5, second: 100)
        window.record(failed: false, latency: 15, second: 105)
        let both = window.totals(at: 105)
        #expect(both.requests == 2)
        #expect(both.failures == 1)
        #expect(both.meanLatency == 10)
        #expect(window.totals(at: 110).requests == 1, "second 100 has left the window")
        #expect(window.totals(at: 200).requests == 0)
        window.record(failed: false, latency: nil, second: 120)
        #expect(window.totals(at: 120) == RecentWindow.Totals(requests: 1, failures: 0, latency: 0, timed: 0))
    }

    @Test func outlierRules() {
        let rules = FailoverClient.Configuration.OutlierDetection()
        let healthy = RecentWindow.Totals(requests: 20, failures: 0, latency: 20 * 1e6, timed: 20)
        let flaky = RecentWindow.Totals(requests: 20, failures: 6, latency: 20 * 1e6, timed: 20)
        #expect(rules.verdict(for: flaky, peers: [healthy, healthy]) == .failureRate(0.3))
        #expect(rules.verdict(for: healthy, peers: [flaky, healthy]) == nil)
        // Everyone fails as much: nothing stands out.
        #expect(rules.verdict(for: flaky, peers: [flaky, flaky]) == nil)
        // Too few answers to judge, or no peer to compare with.
        #expect(rules.verdict(for: RecentWindow.Totals(requests: 5, failures: 5), peers: [healthy]) == nil)
        #expect(rules.verdict(for: flaky, peers: [RecentWindow.Totals(requests: 2)]) == nil)
        let slow = RecentWindow.Totals(requests: 20, failures: 0, latency: 20 * 250e6, timed: 20)
        #expect(rules.verdict(for: slow, peers: [healthy, healthy]) == .latency(.milliseconds(250)))
        // Five times slower but only 4 ms slower: not an outlier.
        let quick = RecentWindow.Totals(requests: 20, failures: 0, latency: 20 * 5e6, timed: 20)
        #expect(rules.verdict(for: quick, peers: [healthy]) == nil)
        #expect(rules.maximumEjected(levelSize: 3) == 1)
        #expect(rules.maximumEjected(levelSize: 4) == 2)
        #expect(rules.maximumEjected(levelSize: 1) == 0)
        #expect(rules.ejectionTime(count: 1) == .seconds(30))
        #expect(rules.ejectionTime(count: 3) == .seconds(90))
        #expect(rules.ejectionTime(count: 20) == .seconds(300))
    }
}

extension BalancingPolicyTests {
    @Test func nodesAboutAsGoodShareTheTraffic() {
        var policy = PowerOfTwoChoices(cost: .peakEWMA)
        let picks = choices(&policy, members([1, 1], latency: [0.30e6, 0.36e6]), count: 200)
        #expect(picks.filter { $0 == 0 }.count > 50)
        #expect(picks.filter { $0 == 1 }.count > 50)
    }
}
