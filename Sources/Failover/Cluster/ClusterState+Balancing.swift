extension ClusterState {
    /// Records an attempt's outcome for the share of traffic, the latency the balancer sees, and
    /// outlier detection (under a balancing policy only: with `failover` one clock read and one count).
    static func note(_ position: Int, failed: Bool, latency: Duration?, in storage: inout Storage, events: inout [FailoverEvent]) {
        let clock = NodeActivity.nanoseconds(.now)
        let second = clock / 1_000_000_000
        storage.records[position].share.record(failed: failed, latency: nil, second: second)
        guard storage.policy.balances else { return }
        let nanoseconds = latency.map { Double($0.nanoseconds) }
        if storage.policy.usesLatency, let nanoseconds { storage.records[position].peak.observe(nanoseconds, at: clock) }
        guard let rules = storage.outliers, storage.records[position].ejection == nil else { return }
        storage.records[position].recent.record(failed: failed, latency: nanoseconds, second: second)
        if failed || (nanoseconds ?? 0) >= Double(rules.minimumLatencyExcess.nanoseconds) {
            eject(position, ifOutlierBy: rules, in: &storage, at: clock, events: &events)
        }
    }

    /// Ejects the node at `position` when its recent answers stand out from its level's, and no more
    /// than the rules allow of the level is out already.
    private static func eject(
        _ position: Int, ifOutlierBy rules: FailoverClient.Configuration.OutlierDetection, in storage: inout Storage, at clock: Int64,
        events: inout [FailoverEvent]
    ) {
        let second = clock / 1_000_000_000
        let node = storage.records[position].node
        let level = storage.records.indices.filter {
            storage.records[$0].node.isEnabled && storage.records[$0].machine.state != .disabled
                && storage.records[$0].node.priority == node.priority
        }
        let peers = level.filter { $0 != position && storage.records[$0].ejection == nil }.map { storage.records[$0].recent.totals(at: second) }
        guard let reason = rules.verdict(for: storage.records[position].recent.totals(at: second), peers: peers) else { return }
        let ejected = level.filter { storage.records[$0].ejection != nil }.count
        guard ejected < rules.maximumEjected(levelSize: level.count) else { return }
        // A node that behaved for five base times since it came back starts its count over.
        if clock - storage.records[position].readmittedAt > (rules.baseEjectionTime * 5).nanoseconds {
            storage.records[position].ejections = 0
        }
        storage.records[position].ejections += 1
        let duration = rules.ejectionTime(count: storage.records[position].ejections)
        let ejection = NodeEjection(reason: reason, duration: duration, count: storage.records[position].ejections)
        let until = clock + duration.nanoseconds
        storage.records[position].ejection = (ejection, until)
        storage.records[position].recent.clear()
        storage.nextReadmission = min(storage.nextReadmission ?? until, until)
        storage.candidateCache = nil
        events.append(.nodeEjected(node: node.index, url: node.url, ejection: ejection))
    }

    /// Puts back the nodes whose ejection has ended.
    static func readmit(_ storage: inout Storage, at clock: Int64, events: inout [FailoverEvent]) {
        var next: Int64?
        for position in storage.records.indices {
            guard let (_, until) = storage.records[position].ejection else { continue }
            if until <= clock {
                storage.records[position].ejection = nil
                storage.records[position].readmittedAt = clock
                storage.records[position].recent.clear()
                let node = storage.records[position].node
                events.append(.nodeReadmitted(node: node.index, url: node.url))
            } else {
                next = min(next ?? until, until)
            }
        }
        storage.nextReadmission = next
        storage.candidateCache = nil
    }

    /// Sets the balancing policy and outlier rules (a reloaded configuration, or `balance` at run time).
    ///
    /// Leaving a balancing policy puts every ejected node back; entering one makes the first node
    /// of the best level current (unless one was picked by hand).
    func configureBalancing(_ policy: LoadBalancing, outliers: FailoverClient.Configuration.OutlierDetection?) {
        mutate { storage, events in
            guard storage.policy != policy || storage.outliers != outliers else { return }
            storage.policy = policy
            storage.outliers = outliers
            storage.roundRobin.reset()
            if !policy.balances || outliers == nil {
                for position in storage.records.indices where storage.records[position].ejection != nil {
                    storage.records[position].ejection = nil
                    let node = storage.records[position].node
                    events.append(.nodeReadmitted(node: node.index, url: node.url))
                }
                storage.nextReadmission = nil
            }
            storage.candidateCache = nil
        }
    }

    /// Tells the latency-based balancers that an attempt to `node` took at least `latency` and was
    /// abandoned (a hedge won): no success, no failure, only the lower bound of its latency.
    func noteSlowness(node: Node, atLeast latency: Duration) {
        storage.withLock { storage in
            guard storage.policy.usesLatency, let position = storage.position(of: node) else { return }
            storage.records[position].peak.observe(Double(latency.nanoseconds), at: NodeActivity.nanoseconds(.now))
        }
    }

    /// The balancing policy in force.
    var loadBalancing: LoadBalancing { storage.withLock { $0.policy } }
}
