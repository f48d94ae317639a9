public import NIOHTTP1
public import Localization

/// A snapshot of one node, as ``FailoverClient/status()`` reports it.
public struct NodeStatus: Sendable, Hashable {
    /// The node.
    public var node: Node
    /// Its health state.
    public var state: NodeState
    /// Whether requests go to it first.
    public var isCurrent: Bool
    /// Its metrics: counters, uptime, error rate, latency, badge.
    public var metrics: NodeMetricsSnapshot
    /// The protocol of its last answer (`h2` or `http/1.1`), if it has answered.
    public var lastProtocol: NodeProtocol?
    /// Attempts to it in flight now.
    public var inFlight: Int = 0
    /// Its share (0 to 1) of the attempts of the last minute, all nodes together; `nil` when there
    /// were none.
    public var share: Double?
    /// Its ejection, while it is out of rotation (outlier ejection).
    public var ejection: NodeEjection?

    /// Its priority level (lower first).
    public var priority: Int { node.priority }
    /// Its weight under `round_robin`.
    public var weight: Int { node.weight }

    /// The node's index.
    public var index: Int { node.index }
    /// The node's base URL.
    public var url: NodeURL { node.url }
    /// Primary or backup.
    public var role: Node.Role { node.role }
    /// The badge: EXCELLENT, HEALTHY, WARNING, CRITICAL, DISABLED or UNKNOWN.
    public var badge: NodeBadge { metrics.badge }
    /// Attempts sent to it.
    public var totalRequests: Int { metrics.totalRequests }
    /// Attempts on it that failed.
    public var failedRequests: Int { metrics.failedRequests }
    /// Failures in a row (requests and checks).
    public var consecutiveFailures: Int { metrics.consecutiveFailures }
    /// Latency of its last answer.
    public var lastLatency: Duration? { metrics.lastLatency }
    /// The identifier of its last failure (`"connectionRefused"`, `"503"`...).
    public var lastError: String? { metrics.lastError }
}

/// The HTTP version a node answered with: HTTP/2 when the node offered it by ALPN, else HTTP/1.1.
public enum NodeProtocol: String, Sendable, Hashable, Codable {
    /// HTTP/1.1 (`http/1.1`, its ALPN name).
    case http1_1 = "http/1.1"
    /// HTTP/2 (`h2`).
    case http2 = "h2"

    /// The protocol of an HTTP version.
    public init(_ version: HTTPVersion) {
        self = version.major >= 2 ? .http2 : .http1_1
    }
}

/// A snapshot of every node and which one is current.
public struct FailoverStatus: Sendable, Hashable {
    /// The index of the node requests go to first.
    public var current: Int
    /// Every node, by index.
    public var nodes: [NodeStatus]
    /// The load-balancing policy in force.
    public var loadBalancing: LoadBalancing = .failover
}

extension NodeState {
    /// The state in words, as the REPL and the dashboard show it.
    public func name(in language: Language) -> String {
        let key: Message = switch self {
        case .unknown: .stateUnknown
        case .healthy: .stateHealthy
        case .suspect: .stateSuspect
        case .down: .stateDown
        case .probing: .stateProbing
        case .disabled: .stateDisabled
        }
        return localized(key, language: language)
    }
}
