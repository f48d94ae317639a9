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
        /// The TLS handshake failed, or the node's certificate was refused (``TransportFailure/tlsReason``
        /// says why): nothing reached the node's application.
        case tlsFailure
        /// The node refused the HTTP/2 stream with `REFUSED_STREAM` before processing it (RFC 9113
        /// §8.7): safe to re-send, a write included.
        case refusedStream
        /// The node sent `GOAWAY` with a last-stream-id below the request's stream: it did not
        /// process the request (RFC 9113 §6.8), safe to re-send, a write included.
        case goaway
        /// The connection closed before any byte of the response: a pooled keep-alive connection the
        /// node had closed, or a node going away. The request may have been sent.
        case connectionClosed
        /// The node reset or closed the connection (or the HTTP/2 stream) while sending the response.
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
    /// For ``Kind-swift.enum/tlsFailure``: what was wrong with the handshake or the certificate.
    public var tlsReason: TLSFailureReason?
    /// A technical detail for logs (the underlying error), never shown as the main message.
    public var detail: String

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - tlsReason: For a TLS failure, why.
    ///   - detail: The underlying error, for logs.
    public init(_ kind: Kind, tlsReason: TLSFailureReason? = nil, detail: String = "") {
        self.kind = kind
        self.tlsReason = kind == .tlsFailure ? (tlsReason ?? .other) : nil
        self.detail = detail
    }

    /// Two failures are equal when their kinds and TLS reasons are; the detail is for logs only.
    public static func == (lhs: TransportFailure, rhs: TransportFailure) -> Bool {
        lhs.kind == rhs.kind && lhs.tlsReason == rhs.tlsReason
    }

    /// Hashes the kind and the TLS reason.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(tlsReason)
    }

    /// Whether the request may have reached the node (so re-sending a write could duplicate it).
    ///
    /// Only failures that are known to leave the node's application untouched are not: a refused
    /// connection, a connect timeout, DNS and TLS failures (no request byte is decrypted by a node
    /// whose handshake failed), and the HTTP/2 refusals that RFC 9113 guarantees were not processed.
    public var mayHaveReachedNode: Bool {
        switch kind {
        case .connectionRefused, .connectTimeout, .dnsFailure, .tlsFailure, .refusedStream, .goaway: false
        case .connectionClosed, .connectionReset, .timeout, .malformedResponse, .bodyTooLarge, .other: true
        }
    }

    /// A stable identifier for JSON and metrics: the kind (`"tlsFailure"`).
    public var identifier: String { kind.rawValue }
}

/// Why a TLS connection to a node failed: a stable identifier (`--json` attempts carry it as
/// `"reason"`) with a message that says what to do.
public enum TLSFailureReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The certificate chain does not lead to a trusted authority (a private CA not in
    /// `TLS_CA_FILE`, a self-signed certificate).
    case untrustedCertificate
    /// A certificate of the chain is past its end date, or not valid yet.
    case expiredCertificate
    /// The certificate does not name the host of the node's URL.
    case hostnameMismatch
    /// No certificate of the verified chain has a key of `TLS_PINNED_KEYS`.
    case pinMismatch
    /// The node accepted the connection and did not complete the handshake in time.
    case handshakeTimeout
    /// The node asked for a client certificate and refused the one sent, or that none was sent.
    case clientCertificateRejected
    /// The node and the client have no TLS version in common (`TLS_MIN_VERSION`).
    case protocolVersion
    /// Any other TLS failure (the raw error is in the debug log).
    case other
}
