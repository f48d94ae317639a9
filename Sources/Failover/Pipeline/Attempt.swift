import Foundation

/// What one attempt on one node produced.
public enum AttemptOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The node answered with this HTTP status.
    case response(status: Int)
    /// The node gave no HTTP answer.
    case failure(TransportFailure)

    /// A stable identifier for JSON and metrics: the status code (`"503"`) or the failure kind
    /// (`"connectionRefused"`).
    public var identifier: String {
        switch self {
        case .response(let status): String(status)
        case .failure(let failure): failure.kind.rawValue
        }
    }

    /// An HTTP/2 refusal the node guarantees it did not process (`REFUSED_STREAM`, `GOAWAY`).
    var isUnprocessedRefusal: Bool {
        guard case .failure(let failure) = self else { return false }
        return failure.kind == .refusedStream || failure.kind == .goaway
    }

    /// The technical detail of a failure (the underlying error), empty for a response.
    public var detail: String {
        if case .failure(let failure) = self { return failure.detail }
        return ""
    }

    /// Same as ``identifier``.
    public var description: String { identifier }
}

/// One attempt of a request on one node, as listed in errors and responses.
public struct Attempt: Sendable, Hashable {
    /// The node tried.
    public var node: Int
    /// The node's base URL.
    public var url: NodeURL
    /// 0 for the first try on this node, 1 for the first retry...
    public var retry: Int
    /// What happened.
    public var outcome: AttemptOutcome
    /// How long the attempt took.
    public var duration: Duration

    /// Creates an attempt record.
    public init(node: Int, url: NodeURL, retry: Int, outcome: AttemptOutcome, duration: Duration) {
        self.node = node
        self.url = url
        self.retry = retry
        self.outcome = outcome
        self.duration = duration
    }

    /// The duration in milliseconds, as a `Double`.
    public var milliseconds: Double { duration.milliseconds }
}

extension Duration {
    /// This duration in milliseconds.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// This duration in whole milliseconds, rounded.
    var wholeMilliseconds: Int { Int(milliseconds.rounded()) }
}
