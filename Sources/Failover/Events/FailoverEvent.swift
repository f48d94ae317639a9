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
    /// Every enabled node is down.
    case allNodesDown(count: Int)

    /// A stable identifier of the kind of event, for JSON and metrics.
    public var kind: String {
        switch self {
        case .attemptFailed: "attemptFailed"
        case .retrying: "retrying"
        case .switchedNode: "switchedNode"
        case .nodeDown: "nodeDown"
        case .nodeRecovered: "nodeRecovered"
        case .allNodesDown: "allNodesDown"
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
            }
            return localized(key, to, url.description, language: language)
        case .nodeDown(let node, let url, let outcome):
            return localized(.eventNodeDown, node, url.description, outcome.message(in: language), language: language)
        case .nodeRecovered(let node, let url):
            return localized(.eventNodeRecovered, node, url.description, language: language)
        case .allNodesDown(let count):
            return count == 1
                ? localized(.eventAllNodesDownOne, language: language)
                : localized(.eventAllNodesDown, count, language: language)
        }
    }
}
