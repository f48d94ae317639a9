import NIOHTTP1

/// Serializes HTTP/1.1 responses by hand, so a node can also write bytes that
/// are wrong on purpose (a short body, no HTTP at all).
enum DemoWire {
    /// What a ``DemoFault/malformed`` node writes instead of a response.
    static let malformed: [UInt8] = Array("NOT HTTP AT ALL\r\n\r\n".utf8)

    /// The status line and header block of a response, ending with the blank line.
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: The header fields (`Content-Length`, `Connection` and
    ///     `X-Demo-Node` are added here).
    ///   - contentLength: The announced body length.
    ///   - keepAlive: Whether the connection stays open after this response.
    ///   - node: The node's name, sent as `X-Demo-Node`.
    static func head(
        status: Int,
        headers: [DemoHeader],
        contentLength: Int,
        keepAlive: Bool,
        node: String
    ) -> [UInt8] {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var text = "HTTP/1.1 \(status) \(reason.isEmpty ? "Unknown" : reason)\r\n"
        for header in headers {
            text += "\(Self.clean(header.name)): \(Self.clean(header.value))\r\n"
        }
        text += "Content-Length: \(contentLength)\r\n"
        text += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        text += "X-Demo-Node: \(Self.clean(node))\r\n\r\n"
        return Array(text.utf8)
    }

    /// A whole response: head and complete body.
    /// - Parameters:
    ///   - response: The response.
    ///   - keepAlive: Whether the connection stays open after this response.
    ///   - node: The node's name, sent as `X-Demo-Node`.
    static func response(_ response: DemoResponse, keepAlive: Bool, node: String) -> [UInt8] {
        Self.head(
            status: response.status,
            headers: response.headers,
            contentLength: response.body.count,
            keepAlive: keepAlive,
            node: node
        ) + response.body
    }

    /// Drops CR and LF, so a header cannot break the framing by accident.
    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
