/// The normal routes of a demo node: a pure function of the request, no I/O.
///
/// | route | answer |
/// |---|---|
/// | `GET /health` | 200 `{"status":"ok","node":NAME}` |
/// | `GET /api/stats` | 200 `{"node":NAME,"port":PORT,"requests":N}` |
/// | any `/api/echo` | 200 `{"node":NAME,"method":M,"path":P,"body":B}` |
/// | `POST /api/items` | 201 created, or 200 replayed for a known `Idempotency-Key` |
/// | `GET /api/items` | 200 `{"count":N}` |
/// | `GET /api/slow?ms=N` | waits N ms (at most 60,000), then 200 `{"node":NAME,"waitedMs":N}` |
/// | `GET /api/events` | Server-Sent Events, see ``DemoEventStream`` (handled by the connection) |
/// | known path, other method | 405 with `Allow` |
/// | anything else | 404 `{"error":"not found","path":P}` |
struct DemoRouter: Sendable {
    /// The longest wait `/api/slow` accepts, in milliseconds.
    static let maxSlowMilliseconds = 60_000

    /// The methods each known path accepts (`nil`: any method).
    private static let routes: [String: [String]?] = [
        "/health": ["GET"],
        "/api/stats": ["GET"],
        "/api/echo": nil,
        "/api/items": ["GET", "POST"],
        "/api/slow": ["GET"],
    ]

    /// The node's name.
    var node: String
    /// The ledger `POST /api/items` applies to.
    var ledger: DemoLedger

    /// Routes one request.
    /// - Parameters:
    ///   - request: The request.
    ///   - port: The node's port.
    ///   - requestCount: How many requests the node has received, this one included.
    /// - Returns: The answer and how long to wait before sending it.
    func route(_ request: DemoRequestRecord, port: Int, requestCount: Int) -> DemoRoute {
        guard let allowed = Self.routes[request.path] else {
            return DemoRoute(response: .json(404, DemoJSON.object([
                "error": .string("not found"), "path": .string(request.path),
            ])))
        }
        if let allowed, !allowed.contains(request.method) {
            return DemoRoute(response: .json(
                405,
                DemoJSON.object([
                    "error": .string("method not allowed"), "method": .string(request.method),
                    "path": .string(request.path),
                ]),
                headers: [DemoHeader(name: "Allow", value: allowed.joined(separator: ", "))]
            ))
        }
        switch (request.method, request.path) {
        case ("GET", "/health"):
            return DemoRoute(response: .json(200, DemoJSON.object([
                "status": .string("ok"), "node": .string(self.node),
            ])))
        case ("GET", "/api/stats"):
            return DemoRoute(response: .json(200, DemoJSON.object([
                "node": .string(self.node), "port": .int(port), "requests": .int(requestCount),
            ])))
        case (_, "/api/echo"):
            return DemoRoute(response: .json(200, DemoJSON.object([
                "node": .string(self.node), "method": .string(request.method),
                "path": .string(request.path), "body": .string(request.bodyText),
            ])))
        case ("POST", "/api/items"):
            let applied = self.ledger.apply(key: request.idempotencyKey)
            return DemoRoute(response: .json(applied.replayed ? 200 : 201, DemoJSON.object([
                "id": .int(applied.id), "node": .string(self.node), "replayed": .bool(applied.replayed),
            ])))
        case ("GET", "/api/items"):
            return DemoRoute(response: .json(200, DemoJSON.object(["count": .int(self.ledger.itemCount)])))
        default:
            return self.slow(request)
        }
    }

    /// `GET /api/slow?ms=N`: a missing `ms` waits 0 ms; one that is not a
    /// whole number is a 400.
    private func slow(_ request: DemoRequestRecord) -> DemoRoute {
        let text = request.queryItem("ms") ?? "0"
        guard let asked = Int(text) else {
            return DemoRoute(response: .json(400, DemoJSON.object([
                "error": .string("bad request"), "detail": .string("ms must be a whole number"),
            ])))
        }
        let waited = min(max(asked, 0), Self.maxSlowMilliseconds)
        return DemoRoute(
            response: .json(200, DemoJSON.object(["node": .string(self.node), "waitedMs": .int(waited)])),
            waitMilliseconds: waited
        )
    }
}
