/// One answer a node is about to write: status, headers and a complete body.
struct DemoResponse: Sendable, Equatable {
    /// The status code.
    var status: Int
    /// The header fields, without `Content-Length`, `Connection` and
    /// `X-Demo-Node`, which the writer adds.
    var headers: [DemoHeader]
    /// The body.
    var body: [UInt8]

    /// A JSON answer.
    /// - Parameters:
    ///   - status: The status code.
    ///   - json: The JSON text.
    ///   - headers: Extra header fields.
    static func json(_ status: Int, _ json: String, headers: [DemoHeader] = []) -> DemoResponse {
        DemoResponse(
            status: status,
            headers: [DemoHeader(name: "Content-Type", value: "application/json")] + headers,
            body: Array(json.utf8)
        )
    }

    /// The answer for an injected ``DemoFault/status(_:headers:body:)`` fault.
    ///
    /// The custom headers come after the defaults; one named `Content-Type`
    /// replaces the default.
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: The custom header fields.
    ///   - body: The custom body, or `nil` for `{"error":"injected","status":N}`.
    static func injected(_ status: Int, headers: [String: String], body: String?) -> DemoResponse {
        let text = body ?? DemoJSON.object(["error": .string("injected"), "status": .int(status)])
        var fields: [DemoHeader] = []
        if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
            fields.append(DemoHeader(name: "Content-Type", value: "application/json"))
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            fields.append(DemoHeader(name: name, value: value))
        }
        return DemoResponse(status: status, headers: fields, body: Array(text.utf8))
    }
}

/// What the router decided for one request: an answer, maybe after a wait.
struct DemoRoute: Sendable, Equatable {
    /// The answer.
    var response: DemoResponse
    /// How long to wait before answering, in milliseconds (`/api/slow`).
    var waitMilliseconds: Int = 0
}
