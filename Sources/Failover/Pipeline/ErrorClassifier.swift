public import NIOHTTP1

/// What the pipeline does with the outcome of an attempt.
public enum FailoverDecision: Sendable, Hashable {
    /// Hand the response to the caller as it is.
    case deliver
    /// Try the same node again, after `after` (or the configured backoff when `nil`). When no retry
    /// is left, the budget is spent, or the wait would pass the deadline, the pipeline fails over.
    case retry(after: Duration?)
    /// Mark the attempt failed and try the next node.
    case failover
    /// Stop and report the outcome to the caller (the request itself cannot succeed anywhere).
    case fail
}

/// What a classifier sees of an attempt.
public struct ClassificationContext: Sendable {
    /// The request being sent.
    public var request: FailoverRequest
    /// What the attempt produced.
    public var outcome: AttemptOutcome
    /// The response headers (empty when there was no response).
    public var responseHeaders: HTTPHeaders
    /// How many more retries on this node the configuration allows.
    public var retriesRemaining: Int

    /// Creates a context.
    public init(request: FailoverRequest, outcome: AttemptOutcome, responseHeaders: HTTPHeaders = [:], retriesRemaining: Int) {
        self.request = request
        self.outcome = outcome
        self.responseHeaders = responseHeaders
        self.retriesRemaining = retriesRemaining
    }
}

/// Decides, for each attempt, whether to deliver, retry, fail over or fail.
///
/// The idempotency rules are not the classifier's business: whatever it decides, the pipeline never
/// re-sends a non-idempotent request that may have reached a node.
public protocol ErrorClassifier: Sendable {
    /// Classifies one attempt.
    ///
    /// - Parameter context: The request, the outcome and the retries left.
    /// - Returns: What to do next.
    func classify(_ context: ClassificationContext) -> FailoverDecision
}

/// The default rules of DESIGN §4.
///
/// | outcome | decision |
/// |---|---|
/// | 1xx, 2xx, 3xx | deliver |
/// | 408, 429 | retry (honouring `Retry-After`) while retries remain, then fail over |
/// | other 4xx | deliver: the request is wrong, another node would say the same |
/// | 502, 503, 504 | retry once on the same node while retries remain (honouring `Retry-After`), then fail over |
/// | other 5xx | fail over |
/// | connection refused, reset, DNS, TLS, timeouts, malformed response | fail over |
/// | body larger than the limit | fail |
public struct DefaultErrorClassifier: ErrorClassifier {
    /// Creates the default classifier.
    public init() {}

    /// Classifies one attempt by the table above.
    public func classify(_ context: ClassificationContext) -> FailoverDecision {
        if Self.delivers(context.outcome) { return .deliver }
        switch context.outcome {
        case .response(let status):
            switch status {
            case 408, 429, 502, 503, 504:
                guard context.retriesRemaining > 0 else { return .failover }
                return .retry(after: RetryAfter.parse(context.responseHeaders.first(name: "Retry-After")))
            case 500...599: return .failover
            default: return .deliver
            }
        case .failure(let failure):
            return failure.kind == .bodyTooLarge ? .fail : .failover
        }
    }

    /// Whether the table delivers `outcome` whatever the request, the headers and the retries
    /// left: every answer but 408, 429 and 5xx. The pipeline asks this first when the default
    /// classifier is in use, and skips building a context for the answer most requests get.
    static func delivers(_ outcome: AttemptOutcome) -> Bool {
        guard case .response(let status) = outcome else { return false }
        return status != 408 && status != 429 && !(500...599).contains(status)
    }
}
