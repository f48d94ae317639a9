public import NIOCore
public import NIOHTTP1

/// A request to send through the failover pipeline: a method, a path relative to the nodes' base
/// URLs, headers and an optional body.
public struct FailoverRequest: Sendable {
    /// The HTTP method.
    public var method: HTTPMethod
    /// The path and query, such as `/api/items?limit=5`, appended to the node's base URL.
    public var path: String
    /// The request headers.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: ByteBuffer?
    /// Marks the request idempotent (`true`) or not (`false`) regardless of its method;
    /// `nil` decides from the method and the `Idempotency-Key` header.
    public var idempotent: Bool?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path and query, relative to the nodes' base URLs.
    ///   - headers: The request headers.
    ///   - body: The body, if any.
    ///   - idempotent: Overrides the idempotency decided from the method and headers.
    public init(method: HTTPMethod = .GET, path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, idempotent: Bool? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.idempotent = idempotent
    }

    /// Whether sending this request twice has the same effect as sending it once.
    ///
    /// GET, HEAD, OPTIONS, TRACE, PUT and DELETE are; POST, PATCH and others are only when the request
    /// carries an `Idempotency-Key` header or is marked ``idempotent``.
    public var isIdempotent: Bool {
        if let idempotent { return idempotent }
        switch method {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: return true
        default: return headers.contains(name: "Idempotency-Key")
        }
    }

    /// Whether the request may be sent again after an attempt that ended with this outcome.
    ///
    /// An idempotent request always may; any other only when the failure happened before a byte
    /// was sent.
    public func mayResend(after outcome: AttemptOutcome) -> Bool {
        if isIdempotent { return true }
        switch outcome {
        case .response: return false
        case .failure(let failure): return !failure.mayHaveReachedNode
        }
    }
}
