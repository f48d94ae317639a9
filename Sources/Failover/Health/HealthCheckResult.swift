public import Localization

/// The result of one active health check of one node.
public struct HealthCheckResult: Sendable, Hashable {
    /// Why a node was judged unhealthy.
    public enum Problem: Sendable, Hashable {
        /// A path answered with a status that is not 2xx (other than 404/405, which try the next path).
        case status(Int, path: String)
        /// A path answered 2xx with a JSON `status` field that is not ok, healthy, up or pass.
        case reportedStatus(String, path: String)
        /// No HTTP answer (refused, timeout, reset, malformed...).
        case transport(TransportFailure)
        /// Every path answered 404 or 405: the node has no health endpoint at these paths.
        case noHealthPath([String])
    }

    /// The node's index.
    public var node: Int
    /// The node's base URL.
    public var url: NodeURL
    /// Whether the node is healthy.
    public var healthy: Bool
    /// Time taken by the check, all paths tried.
    public var latency: Duration
    /// The path that decided (answered 2xx, or the failing answer).
    public var path: String?
    /// The HTTP status of the deciding answer, if any.
    public var status: Int?
    /// Why the node is unhealthy, when it is.
    public var problem: Problem?
    /// The protocol of the deciding answer, if any.
    public var httpVersion: NodeProtocol?

    /// Creates a result.
    public init(
        node: Int, url: NodeURL, healthy: Bool, latency: Duration, path: String?, status: Int?, problem: Problem?,
        httpVersion: NodeProtocol? = nil
    ) {
        self.httpVersion = httpVersion
        self.node = node
        self.url = url
        self.healthy = healthy
        self.latency = latency
        self.path = path
        self.status = status
        self.problem = problem
    }

    /// A stable identifier of the failure for metrics and JSON (`"503"`, `"connectionRefused"`,
    /// `"reportedStatus"`, `"noHealthPath"`), or `nil` when healthy.
    public var failureIdentifier: String? {
        switch problem {
        case nil: nil
        case .status(let status, _): String(status)
        case .reportedStatus: "reportedStatus"
        case .transport(let failure): failure.identifier
        case .noHealthPath: "noHealthPath"
        }
    }

    /// The result in words: "node 1 (http://127.0.0.1:8081): healthy, 0.8 ms via /health".
    public func message(in language: Language) -> String {
        let ms = Language.formatDecimal(latency.milliseconds, language: language)
        guard let problem else {
            return localized(.healthHealthy, node, url.description, ms, path ?? "", language: language)
        }
        let reason: String = switch problem {
        case .status(let status, let path): localized(.healthProblemStatus, status, path, language: language)
        case .reportedStatus(let value, let path): localized(.healthProblemReported, value, path, language: language)
        case .transport(let failure): failure.message(in: language)
        case .noHealthPath(let paths): localized(.healthProblemNoPath, paths.joined(separator: ", "), language: language)
        }
        return localized(.healthUnhealthy, node, url.description, reason, language: language)
    }
}
