/// A fault a node injects into its answers.
///
/// Set a fault with ``DemoNode/setFault(_:forRequests:)``. Every fault except
/// ``refuse`` is applied per request, when the request's head and body have
/// been read completely; the request is recorded first, so counters see it.
public enum DemoFault: Sendable, Equatable {
    /// No fault: the node answers its normal routes.
    case none
    /// The port is closed: connecting gets `ECONNREFUSED`.
    ///
    /// Setting this fault is the same as ``DemoNode/kill()``.
    case refuse
    /// Answer a share of the requests (`ratio`, 0 to 1) with `status` after `delay`, the others
    /// normally: a node with a gray failure. The failing requests are spread evenly (with a ratio of
    /// 0.3, 3 of every 10, never two in a row), so a test knows exactly how many fail.
    case flaky(status: Int, ratio: Double, delay: Duration = .zero)
    /// Answer with this status after this delay (what a failing request of ``flaky(status:ratio:delay:)`` gets).
    case statusAfter(Int, Duration)
    /// Answer every request with this status, these extra headers and this body.
    ///
    /// The default body is `{"error":"injected","status":N}` with
    /// `Content-Type: application/json`.
    case status(Int, headers: [String: String] = [:], body: String? = nil)
    /// Answer normally, after this delay.
    case delay(Duration)
    /// Read the request and never answer.
    ///
    /// The connection stays open until the fault changes, the node is killed,
    /// or the client gives up.
    case hangBeforeHeaders
    /// Send a `200` head announcing 2,048 bytes, send only 1,024, then stall.
    case hangMidBody
    /// Send a `200` head announcing 2,048 bytes, then one byte at this interval: a body that
    /// keeps arriving, too slowly to finish within a request timeout.
    case slowBody(every: Duration)
    /// Send a `200` head announcing 2,048 bytes, send 1,024, then reset the
    /// connection (TCP RST), so the client sees `ECONNRESET`.
    case resetMidBody
    /// Read the request, then reset without answering: the connection (TCP RST) over HTTP/1.1,
    /// the stream (`RST_STREAM` `CANCEL`, no `GOAWAY`) over HTTP/2. The request may have been
    /// processed, as far as the client can tell.
    case resetBeforeHeaders
    /// Answer `200` with a body of this many bytes, streamed in chunks.
    case oversizedBody(Int)
    /// Answer with bytes that are not HTTP (`NOT HTTP AT ALL\r\n\r\n`), then close.
    case malformed
    /// Event streams (`/api/events`) start, then go silent: no event, no heartbeat. Other
    /// requests are answered normally.
    case silentStream
}

extension DemoFault {
    /// Whether the fault leaves a connection open with no complete answer.
    var isHang: Bool {
        switch self {
        case .hangBeforeHeaders, .hangMidBody, .slowBody, .silentStream: true
        default: false
        }
    }
}

extension DemoFault: CustomStringConvertible {
    /// A short name for the fault, as a person would type it (`status(503)`, `delay(200ms)`).
    public var description: String {
        switch self {
        case .none: "none"
        case .refuse: "refuse"
        case .status(let code, _, _): "status(\(code))"
        case .delay(let duration): "delay(\(Self.milliseconds(duration))ms)"
        case .hangBeforeHeaders: "hangBeforeHeaders"
        case .hangMidBody: "hangMidBody"
        case .slowBody(let interval): "slowBody(\(Self.milliseconds(interval))ms)"
        case .resetMidBody: "resetMidBody"
        case .resetBeforeHeaders: "resetBeforeHeaders"
        case .flaky(let status, let ratio, let delay): "flaky(\(status), \(Int((ratio * 100).rounded()))%, \(Self.milliseconds(delay))ms)"
        case .statusAfter(let status, let delay): "statusAfter(\(status), \(Self.milliseconds(delay))ms)"
        case .oversizedBody(let size): "oversizedBody(\(size))"
        case .malformed: "malformed"
        case .silentStream: "silentStream"
        }
    }

    /// The duration in whole milliseconds, never negative.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        return max(0, total)
    }
}
