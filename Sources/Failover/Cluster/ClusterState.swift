import Synchronization

/// The shared, mutable state of the nodes: their state machines, counters, and which one is current.
///
/// A `Mutex` guards it; events produced under the lock are delivered after it is released.
final class ClusterState: Sendable {
    struct Record: Sendable {
        var node: Node
        var machine: NodeStateMachine
        var totalRequests = 0
        var failedRequests = 0
        var lastLatency: Duration?
        var lastError: AttemptOutcome?
    }

    struct Storage: Sendable {
        var records: [Record]
        var current: Int
    }

    /// One node to try, in order.
    struct Candidate: Sendable {
        var node: Node
        /// The node is down: trying it is a last resort and costs retry budget.
        var isLastResort: Bool
    }

    private let storage: Mutex<Storage>
    let broadcaster: EventBroadcaster

    init(nodes: [Node], rise: Int, fall: Int, broadcaster: EventBroadcaster) {
        let records = nodes.map { Record(node: $0, machine: NodeStateMachine(rise: rise, fall: fall)) }
        storage = Mutex(Storage(records: records, current: 0))
        self.broadcaster = broadcaster
    }

    var nodeCount: Int { storage.withLock { $0.records.count } }

    /// The nodes to try for a request: the current one if eligible, then eligible nodes by priority,
    /// then down nodes by priority. Disabled nodes never.
    func candidates() -> (current: Int, list: [Candidate]) {
        storage.withLock { storage in
            let byPriority = storage.records.filter { $0.node.isEnabled && $0.machine.state != .disabled }
                .sorted { ($0.node.priority, $0.node.index) < ($1.node.priority, $1.node.index) }
            var list: [Candidate] = []
            if let current = byPriority.first(where: { $0.node.index == storage.current }), current.machine.state.isEligible {
                list.append(Candidate(node: current.node, isLastResort: false))
            }
            for record in byPriority where record.machine.state.isEligible && record.node.index != list.first?.node.index {
                list.append(Candidate(node: record.node, isLastResort: false))
            }
            for record in byPriority where !record.machine.state.isEligible {
                list.append(Candidate(node: record.node, isLastResort: true))
            }
            return (storage.current, list)
        }
    }

    /// Records an attempt that the node answered usefully.
    func recordSuccess(node index: Int, latency: Duration) {
        let events = storage.withLock { storage -> [FailoverEvent] in
            guard storage.records.indices.contains(index) else { return [] }
            storage.records[index].totalRequests += 1
            storage.records[index].lastLatency = latency
            let record = storage.records[index]
            let wasDown = record.machine.state == .down || record.machine.state == .probing
            guard let newState = storage.records[index].machine.record(.success) else { return [] }
            return wasDown && newState == .healthy ? [.nodeRecovered(node: index, url: record.node.url)] : []
        }
        broadcaster.yield(events)
    }

    /// Records an attempt that failed on the node.
    func recordFailure(node index: Int, outcome: AttemptOutcome, latency: Duration?) {
        let events = storage.withLock { storage -> [FailoverEvent] in
            guard storage.records.indices.contains(index) else { return [] }
            storage.records[index].totalRequests += 1
            storage.records[index].failedRequests += 1
            storage.records[index].lastError = outcome
            if let latency, case .response = outcome { storage.records[index].lastLatency = latency }
            var conclusive = false
            if case .failure(let failure) = outcome, failure.kind == .connectionRefused { conclusive = true }
            guard storage.records[index].machine.record(.failure(conclusive: conclusive)) == .down else { return [] }
            var events: [FailoverEvent] = [.nodeDown(node: index, url: storage.records[index].node.url, outcome: outcome)]
            let enabled = storage.records.filter { $0.machine.state != .disabled && $0.node.isEnabled }
            if !enabled.isEmpty, enabled.allSatisfy({ $0.machine.state == .down }) {
                events.append(.allNodesDown(count: enabled.count))
            }
            return events
        }
        broadcaster.yield(events)
    }

    /// Makes `index` current after it answered, unless someone else changed the current node since
    /// the request started (so a late answer from an old node does not switch back).
    func promote(node index: Int, ifCurrentIs expected: Int) {
        let event = storage.withLock { storage -> FailoverEvent? in
            guard storage.current == expected, storage.current != index else { return nil }
            storage.current = index
            return .switchedNode(from: expected, to: index, url: storage.records[index].node.url, reason: .failover)
        }
        if let event { broadcaster.yield([event]) }
    }

    /// Switches to a node by hand.
    func use(node index: Int, reason: FailoverEvent.SwitchReason) throws(FailoverError) -> Node {
        let (node, event) = try storage.withLock { storage throws(FailoverError) -> (Node, FailoverEvent?) in
            guard storage.records.indices.contains(index) else {
                throw FailoverError(.invalidNode, nodeCount: storage.records.count, subject: String(index))
            }
            let record = storage.records[index]
            guard record.node.isEnabled, record.machine.state != .disabled else {
                throw FailoverError(.nodeDisabled, nodeCount: storage.records.count, subject: String(index))
            }
            let previous = storage.current
            storage.current = index
            guard previous != index else { return (record.node, nil) }
            return (record.node, .switchedNode(from: previous, to: index, url: record.node.url, reason: reason))
        }
        if let event { broadcaster.yield([event]) }
        return node
    }

    /// The next enabled node after the current one in priority order (wrapping around), preferring
    /// eligible nodes over down ones.
    func nextNode() throws(FailoverError) -> Int {
        try storage.withLock { storage throws(FailoverError) -> Int in
            let enabled = storage.records.filter { $0.node.isEnabled && $0.machine.state != .disabled }
                .sorted { ($0.node.priority, $0.node.index) < ($1.node.priority, $1.node.index) }
            guard !enabled.isEmpty else { throw FailoverError(.noEnabledNode, nodeCount: storage.records.count) }
            let position = enabled.firstIndex { $0.node.index == storage.current } ?? -1
            let rotated = (1...enabled.count).map { enabled[(position + $0) % enabled.count] }
            return (rotated.first { $0.machine.state.isEligible } ?? rotated[0]).node.index
        }
    }

    /// Clears every failure mark.
    func reset() {
        storage.withLock { storage in
            for index in storage.records.indices {
                storage.records[index].machine.reset()
            }
        }
    }

    /// A snapshot of every node.
    func status() -> FailoverStatus {
        storage.withLock { storage in
            FailoverStatus(
                current: storage.current,
                nodes: storage.records.map { record in
                    NodeStatus(
                        node: record.node, state: record.machine.state, isCurrent: record.node.index == storage.current,
                        totalRequests: record.totalRequests, failedRequests: record.failedRequests,
                        consecutiveFailures: record.machine.consecutiveFailures,
                        lastLatency: record.lastLatency, lastError: record.lastError)
                })
        }
    }
}
