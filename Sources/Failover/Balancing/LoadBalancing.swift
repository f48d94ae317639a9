/// How the first node of a request is chosen among the healthy nodes of the best priority level
/// (`LOAD_BALANCING`).
public enum LoadBalancing: String, Sendable, Hashable, CaseIterable {
    /// One sticky current node; the others wait until it fails (`failover`, the default).
    case failover
    /// Smooth weighted round robin, as nginx's (`round_robin`): node weights give the shares.
    case roundRobin = "round_robin"
    /// Power of two random choices on requests in flight, as Envoy's least request
    /// (`least_request`); a tie goes to the node with the lower recent latency.
    case leastRequest = "least_request"
    /// Power of two random choices on a peak-EWMA of latency times (requests in flight + 1), as
    /// Finagle and Linkerd balance (`ewma`).
    case ewma

    /// Whether nodes of one level share the traffic (every policy but `failover`).
    public var balances: Bool { self != .failover }

    /// Whether the policy needs the nodes' recent latency.
    var usesLatency: Bool { self == .leastRequest || self == .ewma }
}

/// What a balancing policy knows of one member of a level when it chooses.
struct LevelMember: Sendable, Equatable {
    /// The member's position in the candidate list.
    var position: Int
    /// Its node index (what a policy keeps its state by).
    var node: Int
    /// Its weight (`round_robin`); 0 keeps it out of the first choice.
    var weight: Int
    /// Requests in flight to it.
    var inFlight: Int
    /// Its peak-EWMA latency now, in nanoseconds (0 when it has not answered lately).
    var latency: Double
}

/// Chooses one member of a level, with the state it keeps between choices. Pure: no clock, no
/// I/O; the members and the random numbers come from the caller.
protocol BalancingPolicy: Sendable {
    /// The position (``LevelMember/position``) of the member to send the request to, or `nil` when
    /// none may be chosen (every weight is 0).
    mutating func choose(among members: UnsafeBufferPointer<LevelMember>, random: inout SplitMix64) -> Int?
}

/// nginx's smooth weighted round robin: each choice adds every member's weight to its running
/// score, takes the member with the highest score, and takes the total weight off the winner's.
/// Over a cycle of total-weight choices, each member is chosen weight times, spread evenly.
///
/// Scores are kept by node index, so a level whose members change keeps the scores of those who stay.
struct SmoothWeightedRoundRobin: BalancingPolicy {
    /// The running score of each node, by node index.
    private(set) var scores: [Int] = []

    mutating func choose(among members: UnsafeBufferPointer<LevelMember>, random: inout SplitMix64) -> Int? {
        var total = 0
        var best: (position: Int, node: Int, score: Int)?
        for member in members where member.weight > 0 {
            if member.node >= scores.count { scores.append(contentsOf: repeatElement(0, count: member.node - scores.count + 1)) }
            scores[member.node] += member.weight
            total += member.weight
            if best.map({ scores[member.node] > $0.score }) ?? true { best = (member.position, member.node, scores[member.node]) }
        }
        guard let best else { return nil }
        scores[best.node] -= total
        return best.position
    }

    /// Forgets the scores (the node list changed).
    mutating func reset() { scores = [] }
}

/// Power of two random choices: two distinct members at random (among those of weight > 0), and the
/// one with the lower cost. With one member, that one.
struct PowerOfTwoChoices: BalancingPolicy {
    /// What is compared.
    enum Cost: Sendable {
        /// Requests in flight, the lower latency breaking a tie (`least_request`).
        case leastRequest
        /// Peak-EWMA latency × (requests in flight + 1) (`ewma`).
        case peakEWMA
    }

    var cost: Cost

    mutating func choose(among members: UnsafeBufferPointer<LevelMember>, random: inout SplitMix64) -> Int? {
        var count = 0
        for member in members where member.weight > 0 { count += 1 }
        guard count > 0 else { return nil }
        func nth(_ n: Int) -> LevelMember {
            var seen = 0
            for member in members where member.weight > 0 {
                if seen == n { return member }
                seen += 1
            }
            return members[0]
        }
        guard count > 1 else { return nth(0).position }
        let first = Int(random.next() % UInt64(count))
        var second = Int(random.next() % UInt64(count - 1))
        if second >= first { second += 1 }
        let a = nth(first), b = nth(second)
        return better(a, b) ? a.position : b.position
    }

    /// Whether `a` costs less than `b`. A tie goes to `a`, the first random draw; costs within
    /// ``closeness`` of each other are a tie, so nodes that are about as good share the traffic
    /// (sub-millisecond latencies differ by noise, and a peak would otherwise stick for seconds).
    func better(_ a: LevelMember, _ b: LevelMember) -> Bool {
        switch cost {
        case .leastRequest:
            if a.inFlight != b.inFlight { return a.inFlight < b.inFlight }
            return Self.atMost(a.latency, b.latency)
        case .peakEWMA:
            return Self.atMost(a.latency * Double(a.inFlight + 1), b.latency * Double(b.inFlight + 1))
        }
    }

    /// How far apart two costs may be and still count as a tie: a quarter of the larger.
    static let closeness = 0.25

    private static func atMost(_ a: Double, _ b: Double) -> Bool {
        a <= b || a - b <= closeness * a
    }
}

/// A small, fast, seeded pseudo-random generator (SplitMix64): the random choices of the balancer
/// (under the cluster's lock on every request, where the system generator's call would cost more),
/// and the bench's seeded schedules (the same sequence for every column).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
