/// One request header typed with `-H 'Name: value'`.
public struct HeaderField: Sendable, Hashable {
    /// The header name, in the case it was typed.
    public var name: String
    /// The header value, without the blanks around it.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The body of a request command.
public enum RequestBody: Sendable, Hashable {
    /// Text sent as is: bare JSON exactly as typed, or one shell-quoted word.
    case text(String)
    /// A file (`@PATH`) whose contents are read when the request runs, not when the line is parsed.
    case file(String)
}

/// A request typed at the prompt: `post /api/items {"name": "a"} -H 'X-Trace: 1' -i`.
public struct RequestCommand: Sendable, Hashable {
    /// The HTTP method in upper case: `GET`, `HEAD`, `DELETE`, `OPTIONS`, `POST`, `PUT` or `PATCH`.
    public var method: String
    /// The path as typed, starting with `/` (query included).
    public var path: String
    /// The headers in the order typed (`-H`, `--header`).
    public var headers: [HeaderField]
    /// The body, if any.
    public var body: RequestBody?
    /// Whether the response headers are shown (`-i`, `--include`).
    public var showHeaders: Bool

    /// Creates a request command.
    ///
    /// - Parameters:
    ///   - method: The HTTP method in upper case.
    ///   - path: The path, starting with `/`.
    ///   - headers: The headers in the order typed.
    ///   - body: The body, if any.
    ///   - showHeaders: Whether the response headers are shown.
    public init(
        method: String,
        path: String,
        headers: [HeaderField] = [],
        body: RequestBody? = nil,
        showHeaders: Bool = false
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.showHeaders = showHeaders
    }
}

/// A fault injected into a demo node with `demo ACTION N [ARG]`.
public enum DemoAction: String, Sendable, Hashable, CaseIterable {
    /// Stop the node: connections are refused.
    case kill
    /// Start a killed node again.
    case revive
    /// Answer every request with an error status (`ARG`, optional).
    case fail
    /// Delay every answer (`ARG`: an optional duration text).
    case slow
    /// Accept requests and never answer.
    case hang
    /// Clear every fault of the node.
    case heal
    /// Swap the node's certificate (`ARG`: `valid`, `expired`, `wrong-host` or `untrusted`; with `--tls`).
    case cert
    /// Refuse the node's next HTTP/2 streams with `REFUSED_STREAM` (`ARG`: an optional count; with `--tls`).
    case refuseStreams = "refuse-streams"
    /// End the node's HTTP/2 connection with `GOAWAY` at its next stream (with `--tls`).
    case goaway
    /// Send `GET /api/stats` in the background at `ARG` requests per second (20 by default; 0 or
    /// `off` stops): traffic for `watch` to show. Takes no node.
    case traffic
}

/// The certificate a demo node presents after `demo cert N KIND`.
public enum DemoCertificateKind: String, Sendable, Hashable, CaseIterable {
    /// Issued by the demo CA for 127.0.0.1 and localhost.
    case valid
    /// Issued by the demo CA, past its end date.
    case expired
    /// Issued by the demo CA for another host.
    case wrongHost = "wrong-host"
    /// Issued by an authority the client does not trust.
    case untrusted
}

/// One parsed REPL command line.
public enum Command: Sendable, Hashable {
    /// Send a request (`get`, `head`, `delete`, `options`, `post`, `put`, `patch`).
    case request(RequestCommand)
    /// Show the node table (`nodes`, alias `status`).
    case nodes
    /// Run health checks now on every node, or on one node.
    case health(node: Int?)
    /// Show the node table live: refresh interval in seconds and number of snapshots, each optional.
    case watch(seconds: Double?, count: Int?)
    /// Switch to a node.
    case use(Int)
    /// Switch to the next node.
    case failover
    /// Switch back to the primary.
    case recover
    /// Take a node back in.
    case enable(Int)
    /// Take a node out.
    case disable(Int)
    /// Clear all failure marks.
    case reset
    /// Show the last failover events, all of them when no count is given.
    case events(Int?)
    /// Show the effective configuration and where each value came from.
    case config
    /// Switch the language of everything printed: `en` or `fr`.
    case lang(String)
    /// Inject a fault into a demo node, with the action's optional argument as typed.
    case demo(DemoAction, node: Int, argument: String?)
    /// Stream a path's response, optionally only its first `count` chunks.
    case stream(path: String, count: Int?)
    /// Show the load-balancing policy (`nil`), or switch to one (`failover`, `round_robin`...).
    case balance(String?)
    /// Set a node's priority level.
    case priority(node: Int, priority: Int)
    /// Add a node, optionally at a priority.
    case add(url: String, priority: Int?)
    /// Remove a node.
    case remove(Int)
    /// Show help, on one command (a name or alias in lower case) or on all.
    case help(String?)
    /// Leave the REPL (`quit`, `exit`).
    case quit

    /// The canonical command word, a stable English identifier (for `--json` output).
    ///
    /// A request gives its method in lower case; `status` gives `nodes` and `exit` gives `quit`.
    public var name: String {
        switch self {
        case .request(let request): request.method.lowercased()
        case .nodes: "nodes"
        case .health: "health"
        case .watch: "watch"
        case .use: "use"
        case .failover: "failover"
        case .recover: "recover"
        case .enable: "enable"
        case .disable: "disable"
        case .reset: "reset"
        case .events: "events"
        case .config: "config"
        case .lang: "lang"
        case .demo: "demo"
        case .stream: "stream"
        case .balance: "balance"
        case .priority: "priority"
        case .add: "add"
        case .remove: "remove"
        case .help: "help"
        case .quit: "quit"
        }
    }
}
