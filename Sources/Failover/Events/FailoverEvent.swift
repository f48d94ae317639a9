public import Localization

/// Something the client did or noticed, as delivered by ``FailoverClient/events``.
public enum FailoverEvent: Sendable, Hashable, CustomStringConvertible {
    /// Why the current node changed.
    public enum SwitchReason: String, Sendable, Hashable, Codable {
        /// A request failed on the current node and another one answered.
        case failover
        /// Someone asked for it (`use N`, `failover`).
        case manual
        /// Someone asked to go back to the primary (`recover`).
        case recovery
        /// A higher-priority node has been healthy for `HEALTH_RISE` checks (`FAILBACK=auto`).
        case failback
        /// The current node was disabled.
        case disabled
        /// The current node was removed from the configuration.
        case removed
        /// ``FailoverClient/forceRefresh()`` chose the best healthy node.
        case refresh
        /// Priorities changed, and another node is now the best healthy one.
        case priority
    }

    /// An attempt failed (the request may still succeed on a retry or another node).
    case attemptFailed(Attempt)
    /// The request will be tried again on the same node after `delay`.
    case retrying(node: Int, retry: Int, delay: Duration)
    /// Requests now go to another node.
    case switchedNode(from: Int, to: Int, url: NodeURL, reason: SwitchReason)
    /// A node was marked down.
    case nodeDown(node: Int, url: NodeURL, outcome: AttemptOutcome)
    /// A down node answers again and is back in service.
    case nodeRecovered(node: Int, url: NodeURL)
    /// A node owes answers and has said nothing for the stall threshold: new requests try the other
    /// nodes first until it ends an attempt (``FailoverClient/Configuration-swift.struct/StallDetection``).
    case nodeStalled(node: Int, url: NodeURL, silence: Duration, outstanding: Int)
    /// A stalled node ended an attempt and takes its place back.
    case nodeResumed(node: Int, url: NodeURL)
    /// Every enabled node is down.
    case allNodesDown(count: Int)
    /// An active health check finished.
    case healthCheckDone(HealthCheckResult)
    /// The client starts on a node remembered in the state file.
    case selectionRestored(node: Int, url: NodeURL, file: String)
    /// A node joined (configuration reloaded, or added in code).
    case nodeAdded(node: Int, url: NodeURL)
    /// A node was taken out of service by hand (``FailoverClient/disable(node:)``).
    case nodeDisabled(node: Int, url: NodeURL)
    /// A disabled node was put back in service (``FailoverClient/enable(node:)``).
    case nodeEnabled(node: Int, url: NodeURL)
    /// A node's priority was changed (``FailoverClient/setPriority(_:node:)``).
    case priorityChanged(node: Int, url: NodeURL, priority: Int)
    /// A node left (configuration reloaded, or removed in code).
    case nodeRemoved(url: NodeURL)
    /// A node stood out from its level's peers and is out of rotation for a while (outlier ejection).
    case nodeEjected(node: Int, url: NodeURL, ejection: NodeEjection)
    /// An ejected node is back in rotation.
    case nodeReadmitted(node: Int, url: NodeURL)
    /// The `.env` files changed (or SIGHUP) and the new configuration is in force.
    case configurationReloaded(nodeCount: Int)
    /// The `.env` files changed but the new configuration is invalid; the previous one stays.
    case configurationReloadFailed(ConfigurationError)

    /// A stable identifier of the kind of event, for JSON and metrics.
    public var kind: String {
        switch self {
        case .attemptFailed: "attemptFailed"
        case .retrying: "retrying"
        case .switchedNode: "switchedNode"
        case .nodeEjected: "nodeEjected"
        case .nodeReadmitted: "nodeReadmitted"
        case .nodeDown: "nodeDown"
        case .nodeRecovered: "nodeRecovered"
        case .nodeStalled: "nodeStalled"
        case .nodeResumed: "nodeResumed"
        case .allNodesDown: "allNodesDown"
        case .healthCheckDone: "healthCheckDone"
        case .selectionRestored: "selectionRestored"
        case .nodeAdded: "nodeAdded"
        case .nodeDisabled: "nodeDisabled"
        case .nodeEnabled: "nodeEnabled"
        case .priorityChanged: "priorityChanged"
        case .nodeRemoved: "nodeRemoved"
        case .configurationReloaded: "configurationReloaded"
        case .configurationReloadFailed: "configurationReloadFailed"
        }
    }

    /// The event in words, in the current language.
    public var description: String { message(in: .current) }

    /// The event in words.
    ///
    /// - Parameter language: The language.
    /// - Returns: For example "Switched to node 1 (http://127.0.0.1:8081)".
    public func message(in language: Language) -> String {
        switch self {
        case .attemptFailed(let attempt):
            return localized(.eventAttemptFailed, attempt.message(in: language), language: language)
        case .retrying(let node, let retry, let delay):
            return localized(.eventRetrying, node, delay.wholeMilliseconds, retry, language: language)
        case .switchedNode(_, let to, let url, let reason):
            let key: Message = switch reason {
            case .failover: .eventSwitched
            case .manual: .eventSwitchedManual
            case .recovery: .eventSwitchedRecovery
            case .failback: .eventSwitchedFailback
            case .disabled: .eventSwitchedDisabled
            case .removed: .eventSwitchedRemoved
            case .refresh: .eventSwitchedRefresh
            case .priority: .eventSwitchedPriority
            }
            return localized(key, to, url.description, language: language)
        case .nodeDown(let node, let url, let outcome):
            return localized(.eventNodeDown, node, url.description, outcome.message(in: language), language: language)
        case .nodeRecovered(let node, let url):
            return localized(.eventNodeRecovered, node, url.description, language: language)
        case .nodeStalled(let node, let url, let silence, let outstanding):
            return outstanding == 1
                ? localized(.eventNodeStalledOne, node, url.description, silence.wholeMilliseconds, language: language)
                : localized(.eventNodeStalled, node, url.description, outstanding, silence.wholeMilliseconds, language: language)
        case .nodeResumed(let node, let url):
            return localized(.eventNodeResumed, node, url.description, language: language)
        case .nodeEjected(let node, let url, let ejection):
            return localized(.eventNodeEjected, node, url.description, Int(ejection.duration.milliseconds / 1000), ejection.reason.message(in: language), language: language)
        case .nodeReadmitted(let node, let url):
            return localized(.eventNodeReadmitted, node, url.description, language: language)
        case .allNodesDown(let count):
            return count == 1
                ? localized(.eventAllNodesDownOne, language: language)
                : localized(.eventAllNodesDown, count, language: language)
        case .healthCheckDone(let result):
            return localized(.eventHealthCheckDone, result.message(in: language), language: language)
        case .selectionRestored(let node, let url, let file):
            return localized(.eventSelectionRestored, node, url.description, file, language: language)
        case .nodeAdded(let node, let url):
            return localized(.eventNodeAdded, node, url.description, language: language)
        case .nodeRemoved(let url):
            return localized(.eventNodeRemoved, url.description, language: language)
        case .nodeDisabled(let node, let url):
            return localized(.eventNodeDisabled, node, url.description, language: language)
        case .nodeEnabled(let node, let url):
            return localized(.eventNodeEnabled, node, url.description, language: language)
        case .priorityChanged(let node, let url, let priority):
            return localized(.eventPriorityChanged, node, url.description, priority, language: language)
        case .configurationReloaded(let count):
            return localized(.eventConfigurationReloaded, count, language: language)
        case .configurationReloadFailed(let error):
            return localized(.eventConfigurationReloadFailed, error.message(in: language), language: language)
        }
    }
}

extension EjectionReason {
    /// Why, in words: "40 % of its recent requests failed".
    public func message(in language: Language) -> String {
        switch self {
        case .failureRate(let rate):
            localized(.ejectionFailureRate, Language.formatDecimal(rate * 100, language: language), language: language)
        case .latency(let latency):
            localized(.ejectionLatency, Language.formatDecimal(latency.milliseconds, language: language), language: language)
        }
    }
}
