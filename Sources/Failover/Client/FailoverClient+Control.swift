extension FailoverClient {
    /// Makes node `index` current: requests go there first, and automatic failback leaves it alone
    /// until ``recover()``, ``reset()`` or a failure moves away from it.
    ///
    /// - Parameter index: The node's index (0 is the primary).
    /// - Returns: The node.
    /// - Throws: ``FailoverError`` `invalidNode` or `nodeDisabled`.
    @discardableResult
    public func use(node index: Int) throws(FailoverError) -> Node {
        try cluster.use(node: index, reason: .manual)
    }

    /// Moves to the next enabled node after the current one (healthy ones first), as a failure would.
    ///
    /// - Returns: The new current node.
    /// - Throws: ``FailoverError`` `noEnabledNode`.
    @discardableResult
    public func failover() throws(FailoverError) -> Node {
        try cluster.use(node: try cluster.nextNode(), reason: .manual)
    }

    /// Goes back to the primary (node 0).
    ///
    /// - Returns: The primary.
    /// - Throws: ``FailoverError`` `nodeDisabled` when the primary is disabled.
    @discardableResult
    public func recover() throws(FailoverError) -> Node {
        try cluster.use(node: 0, reason: .recovery)
    }

    /// Clears every failure mark: all nodes are eligible again, in priority order.
    public func reset() { cluster.reset() }

    /// Puts a disabled node back in service; it restarts as `unknown`, and with `FAILBACK=auto`
    /// becomes current again once healthy for `HEALTH_RISE` checks if it is preferred.
    ///
    /// - Parameter index: The node's index.
    /// - Throws: ``FailoverError`` `invalidNode`.
    public func enable(node index: Int) throws(FailoverError) {
        try cluster.setEnabled(true, node: index)
    }

    /// Takes a node out of service: no request goes to it, not even as a last resort. Disabling the
    /// current node moves to the next eligible one.
    ///
    /// - Parameter index: The node's index.
    /// - Throws: ``FailoverError`` `invalidNode`.
    public func disable(node index: Int) throws(FailoverError) {
        try cluster.setEnabled(false, node: index)
    }

    /// Changes a node's priority (lower is preferred; by default the priority is the index).
    ///
    /// - Parameters:
    ///   - priority: The new priority.
    ///   - index: The node's index.
    /// - Throws: ``FailoverError`` `invalidNode`.
    public func setPriority(_ priority: Int, node index: Int) throws(FailoverError) {
        try cluster.setPriority(priority, node: index)
    }

    /// Changes a node's weight under `round_robin` (0 keeps it out of every policy's first choice,
    /// while it stays a node to fail over to).
    ///
    /// - Throws: ``FailoverError`` `invalidNode`.
    public func setWeight(_ weight: Int, node index: Int) throws(FailoverError) {
        try cluster.setWeight(weight, node: index)
    }

    /// The tokens of the retry budget now (`nil` without a budget): what a gauge exports.
    public var retryBudgetTokens: Double? { pipeline.budget?.available }

    /// The load-balancing policy in force.
    public var loadBalancing: LoadBalancing { cluster.loadBalancing }

    /// Switches the load-balancing policy, for the next request (the configuration's other
    /// settings stay). Leaving a balancing policy ends every ejection.
    ///
    /// Default priorities follow the rule of ``Configuration-swift.struct/resolvedNodes``: with no
    /// priority given to any node, a balancing policy puts every node in one level, and `failover`
    /// gives them their indices again. Priorities set by hand (``setPriority(_:node:)``) stay.
    public func setLoadBalancing(_ policy: LoadBalancing) {
        var configuration = settings.configuration
        configuration.loadBalancing = policy
        apply(configuration)
    }

    /// Adds a node at the end of the list.
    ///
    /// - Parameters:
    ///   - url: The node's base URL.
    ///   - priority: Its priority level; `nil` for the default (its index, or 0 under a balancing
    ///     policy whose nodes have no priorities).
    /// - Returns: The new node.
    /// - Throws: ``ConfigurationError`` when the node is already there.
    @discardableResult
    public func addNode(_ url: NodeURL, priority: Int? = nil) throws(ConfigurationError) -> Node {
        var configuration = settings.configuration
        if let index = configuration.nodes.firstIndex(where: { $0.sameEndpoint(as: url) }) {
            throw ConfigurationError(
                .duplicateNode(value: url.description, otherKey: index == 0 ? "API_BASE_URL" : "BACKUP_URL_\(index)", otherSource: .code),
                key: "BACKUP_URL_\(configuration.nodes.count)", source: .code)
        }
        configuration.nodes.append(url)
        if let priority { configuration.nodeOptions[url, default: .init()].priority = priority }
        apply(configuration)
        return cluster.nodes[configuration.nodes.count - 1]
    }

    /// Removes a node; requests in flight to it finish, and the next ones go elsewhere.
    ///
    /// - Parameter index: The node's index; the indices of the nodes after it shift down by one.
    /// - Throws: ``FailoverError`` `invalidNode` (the last node cannot be removed).
    public func removeNode(_ index: Int) throws(FailoverError) {
        var configuration = settings.configuration
        guard configuration.nodes.indices.contains(index), configuration.nodes.count > 1 else {
            throw FailoverError(.invalidNode, nodeCount: configuration.nodes.count, subject: String(index))
        }
        configuration.nodes.remove(at: index)
        apply(configuration)
    }

    /// Puts a new configuration in force: requests already started keep the one they started with.
    func apply(_ configuration: Configuration) {
        settings.configuration = configuration
        if let language = configuration.language { Language.current = language }
        cluster.replaceNodes(with: configuration.resolvedNodes, rise: configuration.healthCheck.rise, fall: configuration.healthCheck.fall)
        cluster.configureBalancing(configuration.loadBalancing, outliers: configuration.outlierDetection)
    }
}

import Localization
