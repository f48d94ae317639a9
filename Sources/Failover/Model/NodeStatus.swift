/// A snapshot of one node, as ``FailoverClient/status()`` reports it.
public struct NodeStatus: Sendable, Hashable {
    /// The node.
    public var node: Node
    /// Its health state.
    public var state: NodeState
    /// Whether requests go to it first.
    public var isCurrent: Bool
    /// Requests sent to it (attempts), all outcomes.
    public var totalRequests: Int
    /// Attempts on it that failed.
    public var failedRequests: Int
    /// Failures in a row.
    public var consecutiveFailures: Int
    /// Latency of its last answered attempt.
    public var lastLatency: Duration?
    /// The outcome of its last failed attempt.
    public var lastError: AttemptOutcome?

    /// The node's index.
    public var index: Int { node.index }
    /// The node's base URL.
    public var url: NodeURL { node.url }
    /// Primary or backup.
    public var role: Node.Role { node.role }
}

/// A snapshot of every node and which one is current.
public struct FailoverStatus: Sendable, Hashable {
    /// The index of the node requests go to first.
    public var current: Int
    /// Every node, by index.
    public var nodes: [NodeStatus]
}
