import Synchronization

/// The configuration in force, swapped as a whole when the `.env` files are reloaded; each request
/// reads it once at its start, so a reload never changes a request in flight.
final class ClientSettings: Sendable {
    private struct State {
        var configuration: FailoverClient.Configuration
        var policy: RequestPolicy
    }

    private let storage: Mutex<State>

    init(_ configuration: FailoverClient.Configuration) {
        storage = Mutex(State(configuration: configuration, policy: RequestPolicy(configuration)))
    }

    /// The configuration now.
    var configuration: FailoverClient.Configuration {
        get { storage.withLock { $0.configuration } }
        set { storage.withLock { $0 = State(configuration: newValue, policy: RequestPolicy(newValue)) } }
    }

    /// What a request needs of the configuration now: plain values, cheap to read on every request
    /// (the whole configuration holds arrays and strings).
    var policy: RequestPolicy { storage.withLock { $0.policy } }
}

/// The part of the configuration that rules one request: timeouts, retries, hedging, stall detection, body limit.
struct RequestPolicy: Sendable {
    var timeouts: FailoverClient.Configuration.Timeouts
    var retry: FailoverClient.Configuration.Retry
    /// Node switches per request, the node count resolved.
    var maxFailoverAttempts: Int
    var hedging: FailoverClient.Configuration.Hedging?
    var stallDetection: FailoverClient.Configuration.StallDetection
    var maxResponseBodySize: Int

    init(_ configuration: FailoverClient.Configuration) {
        timeouts = configuration.timeouts
        retry = configuration.retry
        maxFailoverAttempts = configuration.effectiveMaxFailoverAttempts
        hedging = configuration.hedging
        stallDetection = configuration.stallDetection
        maxResponseBodySize = configuration.maxResponseBodySize
    }
}
