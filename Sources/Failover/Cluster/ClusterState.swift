import Foundation
import Locking

/// The shared, mutable state of the nodes: their state machines, metrics, and which one is current.
///
/// A lock (`LockedValue`) guards it; events produced under the lock are delivered after it is released. Signals
/// name nodes by URL, not index, so a request in flight while the node list is reloaded never
/// credits the wrong node.
final class ClusterState: Sendable {
    struct Record: Sendable {
        var node: Node
        var machine: NodeStateMachine
        var metrics = NodeMetrics()
        /// A priority set by hand, kept across reloads.
        var priorityOverride: Int?
        /// A weight set by hand, kept across reloads.
        var weightOverride: Int?
        /// What the node owes and when it last spoke (stall detection); shared with its candidates.
        let activity = NodeActivity()
        /// Its latency as the `ewma` and `least_request` policies see it.
        var peak = PeakEWMA()
        /// Its answers of the last seconds (outlier detection).
        var recent = RecentWindow(seconds: 10)
        /// Its attempts of the last minute (its share of the traffic).
        var share = RecentWindow(seconds: 60)
        /// Its ejection, when it is out of rotation, and when it ends (nanoseconds of ``NodeActivity``'s clock).
        var ejection: (NodeEjection, until: Int64)?
        /// How many times it was ejected (the next ejection lasts longer).
        var ejections = 0
        /// When it was last readmitted (a node that behaves for long enough starts over).
        var readmittedAt: Int64 = 0

        /// Records an attempt the node answered usefully, in place (the end of every successful
        /// request): metrics, the automatic stall threshold, the state machine.
        ///
        /// - Returns: The state before and after, when the success changed it.
        mutating func recordSuccess(latency: Duration) -> (before: NodeState, after: NodeState)? {
            metrics.recordRequest(success: true, latency: latency, error: nil)
            if let p99 = metrics.refreshedTail() { activity.setAutomaticThreshold(p99: p99) }
            return feed(.success)
        }

        /// Feeds a signal to the node's state machine.
        ///
        /// - Returns: The state before and after, when the signal changed it.
        mutating func feed(_ signal: NodeStateMachine.Signal) -> (before: NodeState, after: NodeState)? {
            let before = machine.state
            return machine.record(signal).map { (before, $0) }
        }
    }

    struct Storage: Sendable {
        var records: [Record]
        var current: Int
        /// The current node was chosen by hand (`use N`): automatic failback leaves it alone.
        var pinned = false
        var rise: Int
        var fall: Int

        /// The last candidate list, reused while nothing it depends on has changed.
        var candidateCache: CandidateCache?
        /// How the first node of a request is chosen.
        var policy: LoadBalancing = .failover
        /// `round_robin`'s running scores.
        var roundRobin = SmoothWeightedRoundRobin()
        /// The random draws of the power-of-two policies.
        var random = SplitMix64(seed: UInt64.random(in: 0...UInt64.max))
        /// Outlier ejection, under a balancing policy.
        var outliers: FailoverClient.Configuration.OutlierDetection?
        /// When the next ejection ends, if any.
        var nextReadmission: Int64?

        func position(of url: NodeURL) -> Int? { records.firstIndex { $0.node.url == url } }

        /// The position of `node`: its index when the records are as it knew them, else found by URL.
        func position(of node: Node) -> Int? {
            // Through a buffer pointer, whose elements are borrowed: the array's subscript may copy
            // the whole record (a retain for each of its references) on the path of every request.
            let known = records.withUnsafeBufferPointer { records in
                records.indices.contains(node.index) && records[node.index].node.url == node.url
            }
            return known ? node.index : position(of: node.url)
        }

        var enabledByPriority: [Record] {
            records.filter { $0.node.isEnabled && $0.machine.state != .disabled }
                .sorted { ($0.node.priority, $0.node.index) < ($1.node.priority, $1.node.index) }
        }
    }

    /// One node to try, in order.
    struct Candidate: Sendable {
        var node: Node
        /// The node is down: trying it is a last resort and costs retry budget.
        var isLastResort: Bool
        /// The node's activity, which every attempt to it updates.
        var activity: NodeActivity
        /// The node stalled when the request started (it was moved behind the others).
        var isStalled = false
        /// The node is ejected (it comes after the other eligible nodes, and is never a first choice).
        var isEjected = false
    }

    /// The candidates of one request, and whether a stall changed their order.
    struct Selection: Sendable {
        /// The current node when the request started.
        var current: NodeURL?
        var list: [Candidate]
        /// The position in ``list`` of the node tried first (a balancing policy's choice); the
        /// others follow in list order, so a retry goes to another node of the same level first.
        var first = 0
        /// Nodes share the traffic: the node that answers does not become current.
        var balances = false
        /// A stalled node was moved behind the others: the node that answers does not become current.
        var avoidedStall = false
        /// The stalls this selection reported (already broadcast), for the caller's log.
        var reported: [FailoverEvent] = []

        /// How many nodes to try.
        var count: Int { list.count }

        /// The candidate at `position` of the order the request tries them in: ``first``, then the
        /// others in list order (no array is made for it: this runs for every attempt).
        subscript(position: Int) -> Candidate {
            position == 0 ? list[first] : list[position <= first ? position - 1 : position]
        }
    }

    let storage: LockedValue<Storage>
    let broadcaster: EventBroadcaster
    let metrics: MetricsRecorder

    init(
        nodes: [Node], rise: Int, fall: Int, broadcaster: EventBroadcaster, metrics: MetricsRecorder, policy: LoadBalancing = .failover,
        outliers: FailoverClient.Configuration.OutlierDetection? = nil
    ) {
        let records = nodes.map { Record(node: $0, machine: NodeStateMachine(rise: rise, fall: fall)) }
        var initial = Storage(records: records, current: 0, rise: rise, fall: fall)
        initial.policy = policy
        initial.outliers = outliers
        // The first node of the best level is current (under `failover` with default priorities, node 0).
        if let best = initial.enabledByPriority.first { initial.current = best.node.index }
        storage = LockedValue(initial)
        self.broadcaster = broadcaster
        self.metrics = metrics
    }

    var nodeCount: Int { storage.withLock { $0.records.count } }

    var nodes: [Node] { storage.withLock { $0.records.map(\.node) } }

    /// Runs `body` under the lock, then delivers the events it produced.
    func mutate<Result, Failure: Error>(_ body: (inout Storage, inout [FailoverEvent]) throws(Failure) -> Result) throws(Failure) -> Result {
        var events: [FailoverEvent] = []
        let result = try storage.withLock { storage throws(Failure) in try body(&storage, &events) }
        deliver(events)
        return result
    }

    private func deliver(_ events: [FailoverEvent]) {
        for event in events {
            switch event {
            case .switchedNode(_, _, _, let reason): metrics.switched(reason: reason)
            case .nodeDown(let node, _, _): metrics.nodeUp(node, false)
            case .nodeRecovered(let node, _): metrics.nodeUp(node, true)
            case .nodeEjected(let node, _, let ejection): metrics.ejected(node, reason: ejection.reason)
            default: break
            }
        }
        broadcaster.yield(events)
    }

    /// How a node takes part in the candidate list.
    enum Eligibility: Equatable {
        case eligible, ejected, lastResort, excluded

        init(_ record: borrowing Record) {
            self.init(isEnabled: record.node.isEnabled, state: record.machine.state, ejected: record.ejection != nil)
        }

        init(isEnabled: Bool, state: NodeState, ejected: Bool) {
            self = !isEnabled || state == .disabled ? .excluded : !state.isEligible ? .lastResort : ejected ? .ejected : .eligible
        }
    }

    /// A candidate list and what it was computed from: the current node, and each node with its
    /// eligibility. Most requests find the cluster as the previous one did and reuse the list.
    struct CandidateCache {
        var current: Int
        var nodes: [(node: Node, eligibility: Eligibility)]
        var result: (current: NodeURL?, list: [Candidate])

        func matches(_ storage: Storage) -> Bool {
            guard current == storage.current, nodes.count == storage.records.count else { return false }
            // Through buffer pointers, whose elements are borrowed: reading a record through the
            // array's subscript copied it (metrics and all, a retain for each of its references) on
            // every request, about 7 % of the client's own CPU time (`failover-bench --memory-worker instant`).
            return nodes.withUnsafeBufferPointer { cached in
                storage.records.withUnsafeBufferPointer { records in
                    for index in cached.indices {
                        guard cached[index].node == records[index].node,
                              cached[index].eligibility
                                == Eligibility(
                                    isEnabled: records[index].node.isEnabled, state: records[index].machine.state,
                                    ejected: records[index].ejection != nil)
                        else { return false }
                    }
                    return true
                }
            }
        }
    }

    /// The nodes to try for a request, as ``candidates()`` orders them, except that eligible nodes
    /// that stall go behind the eligible nodes that do not (each stall is reported once, as an event).
    ///
    /// - Parameters:
    ///   - now: The request's start.
    ///   - stallDetection: The configuration's.
    func candidates(at now: ContinuousClock.Instant, stallDetection: FailoverClient.Configuration.StallDetection) -> Selection {
        candidates(at: now, rule: StallRule(stallDetection))
    }

    /// ``candidates(at:stallDetection:)`` with the rule a request's policy carries.
    func candidates(at now: ContinuousClock.Instant, rule: StallRule) -> Selection {
        let selection = choose(at: now)
        guard rule.isOn, selection.count > 1 else { return selection }
        let threshold = rule.fixedThreshold
        // Most requests: no eligible node owes an answer for long (one atomic load per idle node).
        // By index, in place: iterating by value would retain each node's activity, an object every
        // request on every core touches.
        for index in selection.list.indices where !selection.list[index].isLastResort {
            if selection.list[index].activity.stall(at: now, threshold: threshold) != nil {
                return reordered(selection, at: now, threshold: threshold)
            }
        }
        return selection
    }

    /// The rare path of ``candidates(at:stallDetection:)``: an eligible node stalls.
    @inline(never)
    private func reordered(_ selection: Selection, at now: ContinuousClock.Instant, threshold: Duration?) -> Selection {
        var speaking: [Candidate] = [], stalled: [Candidate] = [], lastResorts: [Candidate] = []
        var events: [FailoverEvent] = []
        let list = (0..<selection.count).map { selection[$0] }
        for var candidate in list {
            if candidate.isLastResort {
                lastResorts.append(candidate)
            } else if let (silence, outstanding) = candidate.activity.stall(at: now, threshold: threshold) {
                candidate.isStalled = true
                stalled.append(candidate)
                if candidate.activity.reportStall() {
                    events.append(.nodeStalled(node: candidate.node.index, url: candidate.node.url, silence: silence, outstanding: outstanding))
                }
            } else {
                speaking.append(candidate)
            }
        }
        broadcaster.yield(events)
        // Every eligible node stalls: the order stays (the first one may be about to answer).
        guard !speaking.isEmpty else {
            return Selection(current: selection.current, list: list, balances: selection.balances, reported: events)
        }
        let ordered = speaking + stalled + lastResorts
        // Only a request that no longer starts where it would have is kept from switching nodes.
        return Selection(
            current: selection.current, list: ordered, balances: selection.balances,
            avoidedStall: ordered[0].node.url != list[0].node.url, reported: events)
    }

    /// The candidate list (cached while nothing it depends on changes) and, under a balancing
    /// policy, the first choice; ejections that have ended are undone first.
    private func choose(at now: ContinuousClock.Instant) -> Selection {
        var events: [FailoverEvent] = []
        let selection = storage.withLock { storage -> Selection in
            let clock = NodeActivity.nanoseconds(now)
            if let next = storage.nextReadmission, clock >= next { Self.readmit(&storage, at: clock, events: &events) }
            let result: (current: NodeURL?, list: [Candidate])
            if let cache = storage.candidateCache, cache.matches(storage) {
                result = cache.result
            } else {
                if storage.policy.balances { Self.followBestLevel(&storage, events: &events) }
                result = Self.candidates(in: storage)
                storage.candidateCache = CandidateCache(
                    current: storage.current, nodes: storage.records.map { ($0.node, Eligibility($0)) }, result: result)
            }
            guard storage.policy.balances else { return Selection(current: result.current, list: result.list) }
            let first = Self.firstChoice(in: result.list, storage: &storage, at: clock)
            return Selection(current: result.current, list: result.list, first: first, balances: true)
        }
        if !events.isEmpty { deliver(events) }
        return selection
    }

    /// The position of the first node of a request under a balancing policy: the hand-picked node
    /// (`use N`), else the policy's choice among the first level's members (eligible, not ejected,
    /// of the best priority). In place: a buffer on the stack, no array per request.
    private static func firstChoice(in list: [Candidate], storage: inout Storage, at clock: Int64) -> Int {
        if storage.pinned, let position = list.firstIndex(where: { $0.node.index == storage.current && !$0.isLastResort }) {
            return position
        }
        guard let head = list.first, !head.isLastResort, !head.isEjected else { return 0 }
        var count = 1
        while count < list.count, !list[count].isLastResort, !list[count].isEjected, list[count].node.priority == head.node.priority {
            count += 1
        }
        guard count > 1 else { return 0 }
        let usesLatency = storage.policy.usesLatency
        return withUnsafeTemporaryAllocation(of: LevelMember.self, capacity: count) { buffer in
            for position in 0..<count {
                let candidate = list[position]
                let index = candidate.node.index
                let latency = usesLatency && storage.records.indices.contains(index) ? storage.records[index].peak.value(at: clock) : 0
                buffer.initializeElement(at: position, to: LevelMember(
                    position: position, node: index, weight: candidate.node.weight, inFlight: candidate.activity.inFlight, latency: latency))
            }
            defer { buffer.deinitialize() }
            let members = UnsafeBufferPointer(buffer)
            let chosen: Int?
            switch storage.policy {
            case .failover: chosen = 0
            case .roundRobin: chosen = storage.roundRobin.choose(among: members, random: &storage.random)
            case .leastRequest:
                var policy = PowerOfTwoChoices(cost: .leastRequest)
                chosen = policy.choose(among: members, random: &storage.random)
            case .ewma:
                var policy = PowerOfTwoChoices(cost: .peakEWMA)
                chosen = policy.choose(among: members, random: &storage.random)
            }
            return chosen ?? 0
        }
    }

    /// Under a balancing policy, the current node is the first node of the best level that has an
    /// eligible node (for the prompt, `status()` and the events): a level that loses its nodes
    /// spills over to the next, and gets the traffic back when they recover.
    private static func followBestLevel(_ storage: inout Storage, events: inout [FailoverEvent]) {
        guard !storage.pinned else { return }
        let byPriority = storage.enabledByPriority
        guard let best = byPriority.first(where: { $0.machine.state.isEligible && $0.ejection == nil })
            ?? byPriority.first(where: { $0.machine.state.isEligible }),
            best.node.index != storage.current
        else { return }
        let previous = storage.records.indices.contains(storage.current) ? storage.records[storage.current] : nil
        let back = previous.map { $0.machine.state.isEligible && $0.node.isEnabled } ?? false
        let from = storage.current
        storage.current = best.node.index
        events.append(.switchedNode(from: from, to: best.node.index, url: best.node.url, reason: back ? .failback : .failover))
    }

    /// The nodes to try for a request: the current one if eligible, then eligible nodes by priority,
    /// then down nodes by priority. Disabled nodes never.
    func candidates() -> (current: NodeURL?, list: [Candidate]) {
        let selection = choose(at: .now)
        return (selection.current, (0..<selection.count).map { selection[$0] })
    }

    /// The candidate list. Under `failover`: the current node if eligible, then the eligible nodes
    /// by priority, then the down ones. Under a balancing policy: the eligible nodes by priority
    /// (the levels in order), the ejected ones after them, then the down ones.
    private static func candidates(in storage: Storage) -> (current: NodeURL?, list: [Candidate]) {
        let byPriority = storage.enabledByPriority
        let current = storage.records.indices.contains(storage.current) ? storage.records[storage.current] : nil
        var list: [Candidate] = []
        if storage.policy.balances {
            for record in byPriority where record.machine.state.isEligible && record.ejection == nil {
                list.append(Candidate(node: record.node, isLastResort: false, activity: record.activity))
            }
            for record in byPriority where record.machine.state.isEligible && record.ejection != nil {
                list.append(Candidate(node: record.node, isLastResort: false, activity: record.activity, isEjected: true))
            }
        } else {
            if let current, current.node.isEnabled, current.machine.state.isEligible {
                list.append(Candidate(node: current.node, isLastResort: false, activity: current.activity))
            }
            for record in byPriority where record.machine.state.isEligible && record.node.url != list.first?.node.url {
                list.append(Candidate(node: record.node, isLastResort: false, activity: record.activity))
            }
        }
        for record in byPriority where !record.machine.state.isEligible {
            list.append(Candidate(node: record.node, isLastResort: true, activity: record.activity))
        }
        return (current?.node.url, list)
    }

    /// Records an attempt that the node answered usefully.
    func recordSuccess(node: Node, latency: Duration) {
        recordSuccess(node: node, latency: latency, promotion: nil)
    }

    /// Records an attempt that failed on the node.
    func recordFailure(node: Node, outcome: AttemptOutcome, latency: Duration?) {
        metrics.attempt(node: node.index, success: false, latency: latency)
        metrics.failure(node: node.index, outcome: outcome.identifier)
        mutate { storage, events in
            guard let position = storage.position(of: node) else { return }
            storage.records[position].metrics.recordRequest(success: false, latency: latency, error: outcome.identifier)
            Self.note(position, failed: true, latency: latency, in: &storage, events: &events)
            Self.feed(.failure(conclusive: outcome.isConclusive), to: position, in: &storage, events: &events, outcome: outcome)
        }
    }

    /// Records the result of an active health check, then fails back if the policy says so.
    func recordHealthCheck(_ result: HealthCheckResult, node: Node, failback: FailoverClient.Configuration.Failback) {
        metrics.healthCheck(node: node.index, healthy: result.healthy, latency: result.latency)
        mutate { storage, events in
            guard let position = storage.position(of: node.url) else { return }
            storage.records[position].metrics.recordCheck(
                success: result.healthy, latency: result.healthy ? result.latency : nil, error: result.failureIdentifier, at: Date())
            events.append(.healthCheckDone(result))
            if let version = result.httpVersion { storage.records[position].activity.noteProtocol(version) }
            if result.healthy {
                Self.feed(.success, to: position, in: &storage, events: &events)
            } else {
                let conclusive = result.problem == .transport(TransportFailure(.connectionRefused))
                let outcome: AttemptOutcome = result.status.map { .response(status: $0) }
                    ?? .failure(result.problem.flatMap { if case .transport(let failure) = $0 { failure } else { nil } } ?? TransportFailure(.other))
                Self.feed(.failure(conclusive: conclusive), to: position, in: &storage, events: &events, outcome: outcome)
            }
            if failback == .automatic { Self.failBack(&storage, events: &events) }
        }
    }

    /// Feeds a signal to a node's state machine and turns the transition into events.
    static func feed(
        _ signal: NodeStateMachine.Signal, to position: Int, in storage: inout Storage, events: inout [FailoverEvent],
        outcome: AttemptOutcome? = nil
    ) {
        guard let (before, after) = storage.records[position].feed(signal) else { return }
        report(from: before, to: after, at: position, in: storage, events: &events, outcome: outcome)
    }

    /// The events of a node's state change: down (and all down), or recovered.
    private static func report(
        from before: NodeState, to after: NodeState, at position: Int, in storage: borrowing Storage, events: inout [FailoverEvent],
        outcome: AttemptOutcome? = nil
    ) {
        let node = storage.records[position].node
        if after == .down, let outcome {
            events.append(.nodeDown(node: node.index, url: node.url, outcome: outcome))
            let enabled = storage.enabledByPriority
            if !enabled.isEmpty, enabled.allSatisfy({ $0.machine.state == .down }) {
                events.append(.allNodesDown(count: enabled.count))
            }
        } else if after == .healthy, before == .down || before == .probing {
            events.append(.nodeRecovered(node: node.index, url: node.url))
        }
    }

    /// With automatic failback: switches to the best-priority node that has been healthy for `rise`
    /// successes in a row, when it is better than the current one and the current one was not chosen by hand.
    static func failBack(_ storage: inout Storage, events: inout [FailoverEvent]) {
        guard !storage.pinned else { return }
        let current = storage.records.indices.contains(storage.current) ? storage.records[storage.current] : nil
        guard let best = storage.enabledByPriority.first(where: {
            $0.machine.state == .healthy && $0.machine.consecutiveSuccesses >= storage.rise
        }) else { return }
        if let current, current.node.url == best.node.url { return }
        if let current, current.machine.state.isEligible, current.node.isEnabled,
           (current.node.priority, current.node.index) <= (best.node.priority, best.node.index) {
            return
        }
        let from = storage.current
        storage.current = best.node.index
        events.append(.switchedNode(from: from, to: best.node.index, url: best.node.url, reason: .failback))
    }

    /// Records the answer a request delivered and makes its node current, unless the current node
    /// changed since the request started (so a late answer from an old node does not switch back),
    /// or the request started elsewhere because the current node had stalled (a stall switches
    /// nothing). One acquisition of the lock: the end of every successful request.
    func recordDelivered(node: Node, latency: Duration, ifCurrentIs expected: NodeURL?, avoidedStall: Bool = false) {
        recordSuccess(node: node, latency: latency, promotion: avoidedStall ? nil : Promotion(expectedCurrent: expected))
    }

    /// A node to make current if the current node is still `expectedCurrent`.
    private struct Promotion {
        var expectedCurrent: NodeURL?
    }

    private func recordSuccess(node: Node, latency: Duration, promotion: Promotion?) {
        metrics.attempt(node: node.index, success: true, latency: latency)
        mutate { storage, events in
            guard let position = storage.position(of: node) else { return }
            // In place, through the record's own method: no copy of the record, the common case
            // (a healthy current node) touching nothing else.
            if let (before, after) = storage.records[position].recordSuccess(latency: latency) {
                Self.report(from: before, to: after, at: position, in: storage, events: &events)
            }
            Self.note(position, failed: false, latency: latency, in: &storage, events: &events)
            if let promotion, position != storage.current, !storage.policy.balances {
                Self.promote(node, at: position, ifCurrentIs: promotion.expectedCurrent, in: &storage, events: &events)
            }
        }
    }

    /// Makes the node at `position` current, if the current node is still `expected`.
    private static func promote(
        _ node: Node, at position: Int, ifCurrentIs expected: NodeURL?, in storage: inout Storage, events: inout [FailoverEvent]
    ) {
        let current = storage.records.indices.contains(storage.current) ? storage.records[storage.current].node.url : nil
        guard current == expected else { return }
        let from = storage.current
        storage.current = position
        storage.pinned = false
        events.append(.switchedNode(from: from, to: position, url: node.url, reason: .failover))
    }

    /// The recent p95 latency of a node, if it has answered.
    func p95(of node: Node) -> Duration? {
        storage.withLock { storage in
            storage.position(of: node.url).flatMap { storage.records[$0].metrics.snapshot(isDisabled: false).p95 }
        }
    }

    /// A snapshot of every node.
    func status() -> FailoverStatus {
        let second = NodeActivity.nanoseconds(.now) / 1_000_000_000
        return storage.withLock { storage in
            let counts = storage.records.map { $0.share.totals(at: second).requests }
            let total = counts.reduce(0, +)
            return FailoverStatus(
                current: storage.current,
                nodes: storage.records.enumerated().map { position, record in
                    var metrics = record.metrics.snapshot(isDisabled: record.machine.state == .disabled || !record.node.isEnabled)
                    // A node marked down is critical whatever its history says.
                    if record.machine.state == .down, metrics.badge != .unknown { metrics.badge = .critical }
                    if record.ejection != nil, metrics.badge != .disabled { metrics.badge = .ejected }
                    return NodeStatus(
                        node: record.node, state: record.machine.state, isCurrent: record.node.index == storage.current,
                        metrics: metrics, lastProtocol: record.activity.lastProtocol, inFlight: record.activity.inFlight,
                        share: total > 0 ? Double(counts[position]) / Double(total) : nil, ejection: record.ejection?.0)
                }, loadBalancing: storage.policy)
        }
    }
}

extension AttemptOutcome {
    /// Whether the node said something: an answer, or a failure it caused (refused, reset,
    /// malformed...); not a timeout, where it said nothing (stall detection).
    var isSpeech: Bool {
        guard case .failure(let failure) = self else { return true }
        switch failure.kind {
        case .connectionRefused, .connectionReset, .malformedResponse, .bodyTooLarge, .tlsFailure, .refusedStream, .goaway: return true
        // A pooled connection the node had closed long ago, or a failure on our side, says nothing now.
        case .timeout, .connectTimeout, .connectionClosed, .dnsFailure, .other: return false
        }
    }

    /// A refused connection proves nothing listens: the node is down at once.
    var isConclusive: Bool {
        if case .failure(let failure) = self { return failure.kind == .connectionRefused }
        return false
    }
}
