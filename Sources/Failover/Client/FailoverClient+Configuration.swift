public import Localization

/// A key and value read from a `.env` file, and where.
public struct ConfigurationEntry: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: String
    /// The file and line.
    public var source: ValueSource

    /// Whether the key names a secret (it contains TOKEN, SECRET, PASSWORD or KEY): its value is
    /// never shown.
    public var isSecret: Bool { ConfigurationEntry.isSecret(key: key) }

    /// Whether a key names a secret: it contains TOKEN, SECRET, PASSWORD or KEY (any case).
    public static func isSecret(key: String) -> Bool {
        let upper = key.uppercased()
        return ["TOKEN", "SECRET", "PASSWORD", "KEY"].contains { upper.contains($0) }
    }
}

extension FailoverClient {
    /// Everything a ``FailoverClient`` needs: the nodes, timeouts, retry and health-check settings.
    ///
    /// Build it in code (every setting has a default but the nodes), or read it from the process
    /// environment and `.env` files with ``load(environment:directory:mode:envFiles:)``.
    public struct Configuration: Sendable {
        /// Timeouts of a request.
        public struct Timeouts: Sendable, Hashable {
            /// One attempt on one node, head and body (`REQUEST_TIMEOUT`, 5 s).
            public var request: Duration
            /// The overall deadline of a request, all attempts and waits included (`TOTAL_TIMEOUT`, 15 s).
            public var total: Duration
            /// Setting up one connection (`CONNECT_TIMEOUT`, 1 s).
            public var connect: Duration

            /// Creates timeouts.
            public init(request: Duration = .seconds(5), total: Duration = .seconds(15), connect: Duration = .seconds(1)) {
                self.request = request
                self.total = total
                self.connect = connect
            }
        }

        /// Retries on the same node and switches between nodes.
        public struct Retry: Sendable, Hashable {
            /// Retries on the same node (`MAX_RETRIES`, 1).
            public var maxRetries: Int
            /// Node switches per request (`MAX_FAILOVER_ATTEMPTS`); `nil` means number of nodes - 1.
            public var maxFailoverAttempts: Int?
            /// Backoff base (`RETRY_DELAY`, 100 ms).
            public var baseDelay: Duration
            /// Backoff cap (`RETRY_MAX_DELAY`, 2 s).
            public var maxDelay: Duration
            /// The retry budget; `nil` turns it off.
            public var budget: RetryBudget.Configuration?

            /// Creates retry settings.
            public init(
                maxRetries: Int = 1, maxFailoverAttempts: Int? = nil, baseDelay: Duration = .milliseconds(100),
                maxDelay: Duration = .seconds(2), budget: RetryBudget.Configuration? = RetryBudget.Configuration()
            ) {
                self.maxRetries = maxRetries
                self.maxFailoverAttempts = maxFailoverAttempts
                self.baseDelay = baseDelay
                self.maxDelay = maxDelay
                self.budget = budget
            }
        }

        /// Active health checks and hysteresis.
        public struct HealthCheck: Sendable, Hashable {
            /// Period of active checks (`HEALTH_CHECK_INTERVAL`, 30 s); zero turns them off.
            public var interval: Duration
            /// Limit of one check (`HEALTH_CHECK_TIMEOUT`, 3 s).
            public var timeout: Duration
            /// Paths tried in order (`HEALTH_CHECK_PATHS`).
            public var paths: [String]
            /// Successes in a row to come back (`HEALTH_RISE`, 2).
            public var rise: Int
            /// Failures in a row to go down (`HEALTH_FALL`, 2).
            public var fall: Int

            /// Creates health-check settings.
            public init(
                interval: Duration = .seconds(30), timeout: Duration = .seconds(3),
                paths: [String] = ["/health", "/api/health", "/status"], rise: Int = 2, fall: Int = 2
            ) {
                self.interval = interval
                self.timeout = timeout
                self.paths = paths
                self.rise = rise
                self.fall = fall
            }
        }

        /// Hedged requests: after a delay with no answer from the first node, an idempotent request
        /// is also sent to the next one; the first good answer wins and the other is cancelled.
        ///
        /// Off by default (each hedge is an extra request, paid from the retry budget); it shortens
        /// the time to an answer when a node hangs, at the price of more load on slow days.
        public struct Hedging: Sendable, Hashable {
            /// The delay before the second request (50 ms by default).
            public var delay: Duration?
            /// Use the first node's recent p95 latency (at least 10 ms) as the delay once known.
            public var adaptive: Bool

            /// Creates hedging settings.
            ///
            /// - Parameters:
            ///   - delay: The delay before the second request.
            ///   - adaptive: Whether to derive the delay from the node's p95 latency.
            public init(delay: Duration? = .milliseconds(50), adaptive: Bool = false) {
                self.delay = delay
                self.adaptive = adaptive
            }
        }

        /// Stall detection (`STALL_TIMEOUT`): a node that owes answers and has said nothing for the
        /// threshold gets new requests after the other eligible nodes, until it ends an attempt.
        ///
        /// The node is not marked failed (the attempts it owes are, if they time out), and a
        /// request sent elsewhere because of a stall does not make its node current. Without it, a
        /// node that hangs gets every request until the first one times out.
        public enum StallDetection: Sendable, Hashable {
            /// Eight times the node's recent p99 latency, at least 20 ms (`auto`, the default); no
            /// detection on a node until it has answered.
            case automatic
            /// A fixed threshold.
            case after(Duration)
            /// No stall detection (`off` or `0`).
            case off

            /// The automatic threshold for a node's recent p99 latency.
            public static func automaticThreshold(p99: Duration) -> Duration {
                max(.milliseconds(20), p99 * 8)
            }

            private static func milliseconds(_ duration: Duration) -> String {
                let whole = duration.wholeMilliseconds
                return .milliseconds(whole) == duration ? String(whole) : String(duration.milliseconds)
            }

            /// The value as `STALL_TIMEOUT` takes it: `auto`, `off`, or milliseconds (`250ms`).
            public var configurationValue: String {
                switch self {
                case .automatic: "auto"
                case .off: "off"
                case .after(let threshold) where threshold <= .zero: "off"
                case .after(let threshold): "\(Self.milliseconds(threshold))ms"
                }
            }
        }

        /// Whether the client returns to a preferred node on its own (`FAILBACK`).
        public enum Failback: String, Sendable, Hashable, CaseIterable {
            /// Return to a higher-priority node once it is healthy again (`auto`).
            case automatic = "auto"
            /// Stay on the current node until told (`manual`).
            case manual
        }

        /// The nodes, primary first.
        public var nodes: [NodeURL]
        /// Timeouts.
        public var timeouts: Timeouts
        /// Retries and switches.
        public var retry: Retry
        /// Health checks.
        public var healthCheck: HealthCheck
        /// Failback policy (`FAILBACK`, `auto`).
        public var failback: Failback
        /// Hedged requests; `nil` (the default) turns hedging off.
        public var hedging: Hedging?
        /// Stall detection (`STALL_TIMEOUT`, `auto`).
        public var stallDetection: StallDetection
        /// How long a remembered selection is trusted at start (`SELECTION_TTL`, 5 min).
        public var selectionTTL: Duration
        /// Where the selection is remembered (`STATE_FILE`); `nil` for the XDG state directory.
        public var stateFile: String?
        /// The language of messages (`FAILOVER_LANG`); `nil` leaves `Language.current` as it is.
        public var language: Language?
        /// The largest response body read (16 MiB); larger answers fail with `bodyTooLarge`.
        public var maxResponseBodySize: Int
        /// Concurrent HTTP/1.1 connections per node (8, as AsyncHTTPClient's default); more requests wait for one.
        public var maxConnectionsPerNode: Int
        /// How HTTPS nodes are reached (`TLS_*` keys): trusted CAs, client certificate, pins, TLS version.
        public var tls: TLS
        /// TLS settings of particular nodes, replacing ``tls`` for them (fleets whose nodes differ).
        public var nodeTLS: [NodeURL: TLS]
        /// Which HTTP versions are offered to HTTPS nodes (`HTTP_VERSION`, `auto`: HTTP/2 by ALPN).
        public var httpVersion: HTTPVersionPolicy
        /// What looked wrong but not fatal when the configuration was loaded (a client key other
        /// users can read); the REPL prints them at start.
        public var warnings: [ConfigurationWarning]
        /// How the nodes of a priority level share the traffic (`LOAD_BALANCING`, `failover`).
        public var loadBalancing: LoadBalancing
        /// Priorities and weights of particular nodes (`API_BASE_URL_PRIORITY`, `BACKUP_URL_n_WEIGHT`...).
        public var nodeOptions: [NodeURL: NodeOptions]
        /// Outlier ejection under a balancing policy; `nil` turns it off.
        public var outlierDetection: OutlierDetection?

        /// The priority and weight of one node.
        public struct NodeOptions: Sendable, Hashable {
            /// Its priority level (lower first); `nil` for the default (see ``resolvedNodes``).
            public var priority: Int?
            /// Its weight under `round_robin` (1).
            public var weight: Int

            /// Creates node options.
            public init(priority: Int? = nil, weight: Int = 1) {
                self.priority = priority
                self.weight = weight
            }
        }

        /// The nodes with their priorities and weights.
        ///
        /// A node's priority is the one given, else its index (the primary first, then the backups
        /// in order). Under a balancing policy with no priority given to any node, every node is
        /// at priority 0: one level sharing the traffic, what round robin over three URLs means.
        public var resolvedNodes: [Node] {
            let onePool = loadBalancing.balances && !nodeOptions.values.contains { $0.priority != nil }
            return nodes.enumerated().map { index, url in
                let options = nodeOptions[url]
                return Node(index: index, url: url, priority: options?.priority ?? (onePool ? 0 : index), weight: options?.weight ?? 1)
            }
        }
        /// Where each value came from, by configuration key, when loaded from the environment.
        public var sources: [String: ValueSource]
        /// The keys of the `.env` files that are not configuration keys of the client (the
        /// application's own settings), with their values and lines; shown by the REPL's `config`
        /// with secrets redacted.
        public var otherFileEntries: [ConfigurationEntry]
        /// How the configuration was loaded (set by ``load(environment:directory:mode:envFiles:)``);
        /// the client reloads it when its files change or on SIGHUP. `nil` for a configuration built in code.
        public var origin: ConfigurationOrigin?
        /// How often the `.env` files are checked for changes (1 s); zero turns reloading off.
        public var reloadCheckInterval: Duration

        /// Creates a configuration in code.
        ///
        /// - Parameters:
        ///   - nodes: The nodes, primary first (at least one).
        ///   - timeouts: Timeouts.
        ///   - retry: Retries and switches.
        ///   - healthCheck: Health checks.
        ///   - failback: Failback policy.
        ///   - selectionTTL: How long a remembered selection is trusted.
        ///   - stateFile: Where the selection is remembered.
        ///   - language: The language of messages.
        ///   - maxResponseBodySize: The largest response body read.
        ///   - maxConnectionsPerNode: Concurrent connections per node.
        public init(
            nodes: [NodeURL], timeouts: Timeouts = Timeouts(), retry: Retry = Retry(), healthCheck: HealthCheck = HealthCheck(),
            failback: Failback = .automatic, selectionTTL: Duration = .seconds(300), stateFile: String? = nil,
            language: Language? = nil, maxResponseBodySize: Int = 16 << 20, maxConnectionsPerNode: Int = 8
        ) {
            self.nodes = nodes
            self.timeouts = timeouts
            self.retry = retry
            self.healthCheck = healthCheck
            self.failback = failback
            self.hedging = nil
            self.stallDetection = .automatic
            self.selectionTTL = selectionTTL
            self.stateFile = stateFile
            self.language = language
            self.maxResponseBodySize = maxResponseBodySize
            self.maxConnectionsPerNode = maxConnectionsPerNode
            self.tls = TLS()
            self.nodeTLS = [:]
            self.httpVersion = .automatic
            self.warnings = []
            self.loadBalancing = .failover
            self.nodeOptions = [:]
            self.outlierDetection = OutlierDetection()
            self.sources = [:]
            self.otherFileEntries = []
            self.origin = nil
            self.reloadCheckInterval = .seconds(1)
        }

        /// Creates a configuration from URL strings.
        ///
        /// - Parameters:
        ///   - primary: The primary's base URL.
        ///   - backups: The backups' base URLs, in order.
        /// - Throws: ``ConfigurationError`` naming the first unusable URL.
        public init(primary: String, backups: [String] = []) throws(ConfigurationError) {
            var nodes: [NodeURL] = []
            for (index, string) in ([primary] + backups).enumerated() {
                let key = index == 0 ? "API_BASE_URL" : "BACKUP_URL_\(index)"
                nodes.append(try ConfigurationError.nodeURL(string, key: key, source: .code))
            }
            self.init(nodes: nodes)
        }

        /// Node switches allowed per request.
        var effectiveMaxFailoverAttempts: Int { retry.maxFailoverAttempts ?? max(0, nodes.count - 1) }
    }
}
