/// One HTTP header field as a node received it.
public struct DemoHeader: Sendable, Equatable, Hashable {
    /// The field name, as the client spelled it.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One request as a node received it.
///
/// A request is recorded when its head and body are complete, before the node
/// answers it, so a request that then hangs or fails is recorded too.
public struct DemoRequestRecord: Sendable, Equatable {
    /// The request method (`GET`, `POST`, ...).
    public var method: String
    /// The request path, without the query.
    public var path: String
    /// The query (what follows `?`), or `nil` when the target has none.
    public var query: String?
    /// The header fields, in the order received.
    public var headers: [DemoHeader]
    /// The value of the `Idempotency-Key` header, if present.
    public var idempotencyKey: String?
    /// The request body (empty when there is none).
    public var body: [UInt8]
    /// Which connection of this node carried the request (1 for the first
    /// connection the node accepted, then 2, ...). Requests sent over one
    /// keep-alive connection share the number.
    public var connection: Int

    /// Creates a record.
    /// - Parameters:
    ///   - method: The request method.
    ///   - target: The request target (path and optional `?query`).
    ///   - headers: The header fields, in order.
    ///   - body: The request body.
    ///   - connection: The number of the connection that carried it.
    public init(method: String, target: String, headers: [DemoHeader], body: [UInt8] = [], connection: Int = 0) {
        self.method = method
        if let mark = target.firstIndex(of: "?") {
            self.path = String(target[..<mark])
            self.query = String(target[target.index(after: mark)...])
        } else {
            self.path = target
            self.query = nil
        }
        self.headers = headers
        self.body = body
        self.connection = connection
        self.idempotencyKey = headers.first { $0.name.lowercased() == "idempotency-key" }?.value
    }

    /// The first value of the header with this name (case-insensitive), if any.
    /// - Parameter name: The field name.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The value of one query parameter (`ms` in `/api/slow?ms=200`), if present.
    /// - Parameter name: The parameter name.
    public func queryItem(_ name: String) -> String? {
        guard let query = self.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first.map(String.init) == name {
                return parts.count > 1 ? String(parts[1]) : ""
            }
        }
        return nil
    }

    /// The body decoded as UTF-8 (invalid bytes are replaced).
    public var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }
}
