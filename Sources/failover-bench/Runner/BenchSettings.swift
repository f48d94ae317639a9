import Failover
import OrderedJSON

/// The knobs of a run (from the command line) and the settings every column shares.
struct BenchSettings: Sendable {
    /// Multiplies every scenario duration (0.1 for a quick run).
    var durationScale: Double = 1
    /// Requests per column and concurrency in `overhead`; `nil` for the default, scaled.
    var overheadRequests: Int?
    /// Requests of `memory`; `nil` for 1,000,000, scaled.
    var memoryRequests: Int?
    /// The seed of `chaos`'s kills and revivals (the same schedule for every column).
    var seed: UInt64 = 6
    /// Where `proxies.sh` is, if found.
    var proxyScript: String?
    /// Leave the proxies out.
    var skipProxies = false

    // The settings every column gets (the proxies' configurations in proxies.sh mirror them).

    /// Connecting to a node.
    static let connectTimeout = Duration.seconds(1)
    /// One attempt, head and body (HAProxy `timeout server`, nginx `proxy_read_timeout`).
    static let requestTimeout = Duration.seconds(1)
    /// A request overall (and the plain client's timeout through a proxy).
    static let totalTimeout = Duration.seconds(15)
    /// Active health checks (HAProxy `inter`); nginx has none (its `fail_timeout` is rise x interval).
    static let healthInterval = Duration.seconds(1)
    /// Successes in a row to come back, failures in a row to go down.
    static let rise = 2
    static let fall = 2
    /// The hedge delay of `hang` with hedging.
    static let hedgeDelay = Duration.milliseconds(50)

    /// `duration` times the scale, at least `minimum`.
    func scaled(_ duration: Duration, atLeast minimum: Duration = .milliseconds(200)) -> Duration {
        max(minimum, duration * durationScale)
    }

    /// `count` times the scale, at least `minimum`.
    func scaled(_ count: Int, atLeast minimum: Int = 1) -> Int {
        max(minimum, Int((Double(count) * durationScale).rounded()))
    }

    /// The failover client's configuration for the three nodes.
    ///
    /// - Parameters:
    ///   - urls: The nodes' base URLs, primary first.
    ///   - hedgeDelay: Turns hedging on with this fixed delay (not adaptive, so "p99 < delay + 10 ms"
    ///     is judged against a known delay).
    ///   - stallDetection: The client's default unless told.
    /// - Returns: The configuration.
    func failoverConfiguration(
        urls: [String], hedgeDelay: Duration? = nil, stallDetection: FailoverClient.Configuration.StallDetection = .automatic,
        loadBalancing: LoadBalancing = .failover
    ) throws -> FailoverClient.Configuration {
        var configuration = try FailoverClient.Configuration(primary: urls[0], backups: Array(urls.dropFirst()))
        configuration.loadBalancing = loadBalancing
        configuration.timeouts = .init(request: Self.requestTimeout, total: Self.totalTimeout, connect: Self.connectTimeout)
        configuration.healthCheck = .init(
            interval: Self.healthInterval, timeout: Self.requestTimeout, paths: ["/health"], rise: Self.rise, fall: Self.fall)
        configuration.failback = .automatic
        // No remembered selection: every client starts from a clean slate, and no state file is written.
        configuration.selectionTTL = .zero
        configuration.stateFile = nil
        configuration.hedging = hedgeDelay.map { .init(delay: $0, adaptive: false) }
        configuration.stallDetection = stallDetection
        // The same pool as the plain AsyncHTTPClient it is compared with (`PlainDriver`).
        configuration.maxConnectionsPerNode = PlainDriver.maxConnections
        return configuration
    }

    var json: JSONValue {
        .object([
            ("durationScale", .decimal(durationScale)),
            ("overheadRequests", overheadRequests.map { .integer($0) } ?? .null),
            ("memoryRequests", memoryRequests.map { .integer($0) } ?? .null),
            ("seed", .string(String(seed))),
            ("skipProxies", .bool(skipProxies)),
            ("connectTimeoutMs", .integer(Int(Self.connectTimeout.nanosecondCount / 1_000_000))),
            ("requestTimeoutMs", .integer(Int(Self.requestTimeout.nanosecondCount / 1_000_000))),
            ("totalTimeoutMs", .integer(Int(Self.totalTimeout.nanosecondCount / 1_000_000))),
            ("healthIntervalMs", .integer(Int(Self.healthInterval.nanosecondCount / 1_000_000))),
            ("rise", .integer(Self.rise)),
            ("fall", .integer(Self.fall)),
            ("hedgeDelayMs", .integer(Int(Self.hedgeDelay.nanosecondCount / 1_000_000))),
        ])
    }
}
