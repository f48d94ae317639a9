/// Why one attempt on one node got no HTTP response.
public struct TransportFailure: Error, Sendable, Hashable {
    /// The kinds of transport failure, as the classifier and the idempotency rules see them.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nothing listens on the node's port (ECONNREFUSED): conclusive, nothing was sent.
        case connectionRefused
        /// The connection could not be set up within `CONNECT_TIMEOUT`: nothing was sent.
        case connectTimeout
        /// The host name did not resolve: nothing was sent.
        case dnsFailure
        /// The TLS handshake failed: nothing was sent.
        case tlsFailure
        /// The connection closed before any byte of the response: a pooled keep-alive connection the
        /// node had closed, or a node going away. The request may have been sent.
        case connectionClosed
        /// The node reset or closed the connection while sending the response.
        case connectionReset
        /// The attempt did not complete (head and body) within `REQUEST_TIMEOUT` or the overall deadline.
        case timeout
        /// The node's answer is not valid HTTP.
        case malformedResponse
        /// The response body is larger than the configured limit.
        case bodyTooLarge
        /// Any other I/O error.
        case other
    }

    /// What went wrong.
    public var kind: Kind
    /// A technical detail for logs (the underlying error), never shown as the main message.
    public var detail: String

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - detail: The underlying error, for logs.
    public init(_ kind: Kind, detail: String = "") {
        self.kind = kind
        self.detail = detail
    }

    /// Two failures are equal when their kinds are; the detail is for logs only.
    public static func == (lhs: TransportFailure, rhs: TransportFailure) -> Bool { lhs.kind == rhs.kind }

    /// Hashes the kind.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// Whether the request may have reached the node (so re-sending a write could duplicate it).
    ///
    /// Only failures that happen before any byte of the request is sent are known not to have:
    /// a refused connection, a connect timeout, DNS and TLS handshake failures.
    public var mayHaveReachedNode: Bool {
        switch kind {
        case .connectionRefused, .connectTimeout, .dnsFailure, .tlsFailure: false
        case .connectionClosed, .connectionReset, .timeout, .malformedResponse, .bodyTooLarge, .other: true
        }
    }
}
