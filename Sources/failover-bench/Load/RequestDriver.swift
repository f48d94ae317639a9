/// A request of the benchmark, the same for every column.
enum BenchRequest: Sendable {
    /// `GET path`.
    case get(String)
    /// `POST path` with a JSON body and an `Idempotency-Key`.
    case post(String, idempotencyKey: String, body: String)

    /// The demo node's cheapest route: `GET /api/stats`.
    static let stats = BenchRequest.get(statsPath)
    /// The path of ``stats``, counted on the nodes.
    static let statsPath = "/api/stats"
    /// The path of the writes.
    static let itemsPath = "/api/items"
}

/// What a driver got back for one request.
struct Answer: Sendable {
    /// The HTTP status, 0 when no answer reached the caller.
    var status: Int
    /// The demo node that answered (`X-Demo-Node`), if any.
    var node: String?
    /// Attempts the client made (the failover client reports them; a plain client makes one).
    var attempts: Int
    /// The error's short name when there was no HTTP answer.
    var error: String?
    /// For a failover client's error, each attempt's node and outcome (`0:timeout 1:503`).
    var attemptTrail: String?

    /// A 2xx answer.
    var succeeded: Bool { (200..<300).contains(status) }
}

/// Sends benchmark requests to one column: the failover client, or a plain AsyncHTTPClient aimed
/// at one base URL (a node, or a proxy).
protocol RequestDriver: Sendable {
    /// Sends one request and reports what came back; never throws (failures are answers too).
    func send(_ request: BenchRequest) async -> Answer
    /// Releases the client.
    func shutdown() async
}
