import Foundation
import Synchronization

/// The shared, mutable state of the nodes: their state machines, metrics, and which one is current.
///
/// A `Mutex` guards it; events produced under the lock are delivered after it is released. Signals
/// name nodes by URL, not index, so a request in flight while the node list is reloaded never
/// credits the wrong node.
final class ClusterState: Sendable {
    struct Record: Sendable {
        var node: Node
        var machine: NodeStateMachine
        var metrics = NodeMetrics()
        /// A priority set by hand, kept across reloads.
        var priorityOverride: Int?
        /// What the node owes and when it last spoke (stall detection); shared with its candidates.
        let activity = NodeActivity()

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
    }

    /// The candidates of one request, and whether a stall changed their order.
    struct Selection: Sendable {
        /// The current node when the request started.
        var current: NodeURL?
        var list: [Candidate]
        /// A stalled node was moved behind the others: the node that answers does not become current.
        var avoidedStall = false
        /// The stalls this selection reported (already broadcast), for the caller's log.
        var reported: [FailoverEvent] = []
    }

    let storage: Mutex<Storage>
    let broadcaster: EventBroadcaster
    let metrics: MetricsRecorder

    init(nodes: [Node], rise: Int, fall: Int, broadcaster: EventBroadcaster, metrics: MetricsRecorder) {
        let records = nodes.map { Record(node: $0, machine: NodeStateMachine(rise: rise, fall: fall)) }
        storage = Mutex(Storage(records: records, current: 0, rise: rise, fall: fall))
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
            default: break
            }
        }
        broadcaster.yield(events)
    }

    /// How a node takes part in the candidate list.
    enum Eligibility: Equatable {
        case eligible, lastResort, excluded

        init(_ record: borrowing Record) {
            self.init(isEnabled: record.node.isEnabled, state: record.machine.state)
        }

        init(isEnabled: Bool, state: NodeState) {
            self = !isEnabled || state == .disabled ? .excluded : state.isEligible ? .eligible : .lastResort
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
                                == Eligibility(isEnabled: records[index].node.isEnabled, state: records[index].machine.state)
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
        let (current, list) = candidates()
        guard rule.isOn, list.count > 1 else { return Selection(current: current, list: list) }
        let threshold = rule.fixedThreshold
        // Most requests: no eligible node owes an answer for long (one atomic load per idle node).
        // By index, in place: iterating by value would retain each node's activity, an object every
        // request on every core touches.
        for index in list.indices where !list[index].isLastResort {
            if list[index].activity.stall(at: now, threshold: threshold) != nil {
                return reordered(list, current: current, at: now, threshold: threshold)
            }
        }
        return Selection(current: current, list: list)
    }

    /// The rare path of ``candidates(at:stallDetection:)``: an eligible node stalls.
    @inline(never)
    private func reordered(_ list: [Candidate], current: NodeURL?, at now: ContinuousClock.Instant, threshold: Duration?) -> Selection {
        var speaking: [Candidate] = [], stalled: [Candidate] = [], lastResorts: [Candidate] = []
        var events: [FailoverEvent] = []
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
        guard !speaking.isEmpty else { return Selection(current: current, list: list, reported: events) }
        let ordered = speaking + stalled + lastResorts
        // Only a request that no longer starts where it would have is kept from switching nodes.
        return Selection(
            current: current, list: ordered, avoidedStall: ordered[0].node.url != list[0].node.url, reported: events)
    }

    /// The nodes to try for a request: the current one if eligible, then eligible nodes by priority,
    /// then down nodes by priority. Disabled nodes never.
    func candidates() -> (current: NodeURL?, list: [Candidate]) {
        storage.withLock { storage in
            if let cache = storage.candidateCache, cache.matches(storage) { return cache.result }
            let result = Self.candidates(in: storage)
            storage.candidateCache = CandidateCache(
                current: storage.current, nodes: storage.records.map { ($0.node, Eligibility($0)) }, result: result)
            return result
        }
    }

    private static func candidates(in storage: Storage) -> (current: NodeURL?, list: [Candidate]) {
        let byPriority = storage.enabledByPriority
        let current = storage.records.indices.contains(storage.current) ? storage.records[storage.current] : nil
        var list: [Candidate] = []
        if let current, current.node.isEnabled, current.machine.state.isEligible {
            list.append(Candidate(node: current.node, isLastResort: false, activity: current.activity))
        }
        for record in byPriority where record.machine.state.isEligible && record.node.url != list.first?.node.url {
            list.append(Candidate(node: record.node, isLastResort: false, activity: record.activity))
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
        mutate { storage, events in
            guard let position = storage.position(of: node) else { return }
            storage.records[position].metrics.recordRequest(success: false, latency: latency, error: outcome.identifier)
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
            if let promotion, position != storage.current {
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
        storage.withLock { storage in
            FailoverStatus(
                current: storage.current,
                nodes: storage.records.map { record in
                    var metrics = record.metrics.snapshot(isDisabled: record.machine.state == .disabled || !record.node.isEnabled)
                    // A node marked down is critical whatever its history says.
                    if record.machine.state == .down, metrics.badge != .unknown { metrics.badge = .critical }
                    return NodeStatus(
                        node: record.node, state: record.machine.state, isCurrent: record.node.index == storage.current,
                        metrics: metrics, lastProtocol: record.activity.lastProtocol)
                })
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
