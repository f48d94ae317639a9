import Foundation

extension ClusterState {
    /// Switches to a node by hand; automatic failback leaves a hand-picked node alone (except the
    /// primary chosen by `recover`).
    func use(node index: Int, reason: FailoverEvent.SwitchReason) throws(FailoverError) -> Node {
        try mutate { storage, events throws(FailoverError) in
            guard storage.records.indices.contains(index) else {
                throw FailoverError(.invalidNode, nodeCount: storage.records.count, subject: String(index))
            }
            let record = storage.records[index]
            guard record.node.isEnabled, record.machine.state != .disabled else {
                throw FailoverError(.nodeDisabled, nodeCount: storage.records.count, subject: String(index))
            }
            let previous = storage.current
            storage.current = index
            storage.pinned = reason == .manual
            if previous != index {
                events.append(.switchedNode(from: previous, to: index, url: record.node.url, reason: reason))
            }
            return record.node
        }
    }

    /// The next enabled node after the current one in priority order (wrapping around), preferring
    /// eligible nodes over down ones.
    func nextNode() throws(FailoverError) -> Int {
        try storage.withLock { storage throws(FailoverError) -> Int in
            let enabled = storage.enabledByPriority
            guard !enabled.isEmpty else { throw FailoverError(.noEnabledNode, nodeCount: storage.records.count) }
            let position = enabled.firstIndex { $0.node.index == storage.current } ?? -1
            let rotated = (1...enabled.count).map { enabled[(position + $0) % enabled.count] }
            return (rotated.first { $0.machine.state.isEligible } ?? rotated[0]).node.index
        }
    }

    /// Takes a node out of service or puts it back. Disabling the current node moves to the best
    /// eligible node; an enabled node restarts as `unknown` and comes back by failback once healthy.
    func setEnabled(_ enabled: Bool, node index: Int) throws(FailoverError) {
        try mutate { storage, events throws(FailoverError) in
            guard storage.records.indices.contains(index) else {
                throw FailoverError(.invalidNode, nodeCount: storage.records.count, subject: String(index))
            }
            let node = storage.records[index].node
            storage.records[index].node.isEnabled = enabled
            if enabled {
                guard !node.isEnabled else { return }
                storage.records[index].machine.enable()
                events.append(.nodeEnabled(node: index, url: node.url))
                return
            }
            guard node.isEnabled else { return }
            storage.records[index].machine.disable()
            events.append(.nodeDisabled(node: index, url: node.url))
            guard storage.current == index else { return }
            let next = storage.enabledByPriority.first { $0.machine.state.isEligible } ?? storage.enabledByPriority.first
            guard let next else { return }
            storage.current = next.node.index
            storage.pinned = false
            events.append(.switchedNode(from: index, to: next.node.index, url: next.node.url, reason: .disabled))
        }
    }

    /// Changes a node's priority (lower is preferred), for the next request. Under `failover`, the
    /// current node becomes the best healthy node of the new order, unless it was picked by hand;
    /// under a balancing policy the levels are formed anew.
    func setPriority(_ priority: Int, node index: Int) throws(FailoverError) {
        try mutate { storage, events throws(FailoverError) in
            guard storage.records.indices.contains(index) else {
                throw FailoverError(.invalidNode, nodeCount: storage.records.count, subject: String(index))
            }
            let changed = storage.records[index].node.priority != priority
            storage.records[index].node.priority = priority
            storage.records[index].priorityOverride = priority
            if changed { events.append(.priorityChanged(node: index, url: storage.records[index].node.url, priority: priority)) }
            guard !storage.pinned, !storage.policy.balances,
                  let best = storage.enabledByPriority.first(where: { $0.machine.state.isEligible }),
                  best.node.index != storage.current
            else { return }
            let from = storage.current
            storage.current = best.node.index
            events.append(.switchedNode(from: from, to: best.node.index, url: best.node.url, reason: .priority))
        }
    }

    /// Changes a node's weight under `round_robin` (0 keeps it out of every policy's first choice).
    func setWeight(_ weight: Int, node index: Int) throws(FailoverError) {
        try mutate { storage, _ throws(FailoverError) in
            guard storage.records.indices.contains(index) else {
                throw FailoverError(.invalidNode, nodeCount: storage.records.count, subject: String(index))
            }
            storage.records[index].node.weight = max(0, weight)
            storage.records[index].weightOverride = max(0, weight)
        }
    }

    /// Clears every failure mark and the hand-picked flag.
    func reset() {
        storage.withLock { storage in
            storage.pinned = false
            for index in storage.records.indices {
                storage.records[index].machine.reset()
                storage.records[index].metrics.reset()
            }
        }
    }

    /// Makes the best node (by priority) among those that just passed a check current, whatever the
    /// failback policy and hysteresis; used by ``FailoverClient/forceRefresh()``.
    func selectBest(among healthy: Set<NodeURL>) {
        mutate { storage, events in
            guard let best = storage.enabledByPriority.first(where: { healthy.contains($0.node.url) }),
                  best.node.index != storage.current
            else { return }
            let from = storage.current
            storage.current = best.node.index
            storage.pinned = false
            events.append(.switchedNode(from: from, to: best.node.index, url: best.node.url, reason: .refresh))
        }
    }

    /// Replaces the node list (a reloaded configuration, or nodes added or removed in code).
    ///
    /// Nodes that stay (same URL) keep their state, metrics and hand-set priority; indices follow the
    /// new order; the current node stays current if it is still there.
    func replaceNodes(with nodes: [Node], rise: Int, fall: Int) {
        mutate { storage, events in
            let old = storage.records
            let previous = storage.current
            let currentURL = old.indices.contains(storage.current) ? old[storage.current].node.url : nil
            var records: [Record] = []
            let urls = nodes.map(\.url)
            for node in nodes {
                if var record = old.first(where: { $0.node.url == node.url }) {
                    record.node = Node(
                        index: node.index, url: node.url, priority: record.priorityOverride ?? node.priority, isEnabled: record.node.isEnabled,
                        weight: record.weightOverride ?? node.weight)
                    records.append(record)
                } else {
                    records.append(Record(node: node, machine: NodeStateMachine(rise: rise, fall: fall)))
                    events.append(.nodeAdded(node: node.index, url: node.url))
                }
            }
            for record in old where !urls.contains(record.node.url) {
                events.append(.nodeRemoved(url: record.node.url))
            }
            storage.records = records
            storage.candidateCache = nil  // a node re-added under the same index and URL has a new activity
            storage.rise = rise
            storage.fall = fall
            if let currentURL, let position = storage.position(of: currentURL) {
                storage.current = position
            } else {
                let next = storage.enabledByPriority.first { $0.machine.state.isEligible } ?? storage.enabledByPriority.first
                storage.current = next?.node.index ?? 0
                storage.pinned = false
                if let next { events.append(.switchedNode(from: previous, to: next.node.index, url: next.node.url, reason: .removed)) }
            }
        }
    }

    /// What to remember about the selection.
    func rememberedSelection(at date: Date = Date()) -> RememberedSelection {
        storage.withLock { storage in
            RememberedSelection(
                savedAt: date, nodes: storage.records.map(\.node.url.description), current: storage.current,
                states: storage.records.map(\.machine.state.rawValue))
        }
    }

    /// Starts from a remembered selection (already checked to be for the same nodes).
    func restore(_ selection: RememberedSelection, file: String) {
        mutate { storage, events in
            for (index, raw) in selection.states.enumerated() where storage.records.indices.contains(index) {
                if let state = NodeState(rawValue: raw) { storage.records[index].machine.restore(state) }
            }
            guard storage.records.indices.contains(selection.current) else { return }
            storage.current = selection.current
            let node = storage.records[selection.current].node
            events.append(.selectionRestored(node: node.index, url: node.url, file: file))
        }
    }
}
