/// The health state of a node.
///
/// ```
/// unknown -> healthy <-> suspect -> down -> probing -> healthy
///                         (any) <-> disabled
/// ```
public enum NodeState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not heard from yet: eligible, like a healthy node.
    case unknown
    /// Answering.
    case healthy
    /// Failed at least once, fewer than `fall` times in a row: still eligible.
    case suspect
    /// Failed `fall` times in a row, or refused a connection: used only as a last resort.
    case down
    /// Was down and has answered again, fewer than `rise` times in a row.
    case probing
    /// Taken out of service by hand: never used.
    case disabled

    /// Whether requests go to a node in this state in the normal order (not as a last resort).
    public var isEligible: Bool {
        switch self {
        case .unknown, .healthy, .suspect, .probing: true
        case .down, .disabled: false
        }
    }
}

/// The pure state machine behind ``NodeState``: fed by request outcomes (passive) and health checks
/// (active), with HAProxy-style hysteresis.
///
/// - `fall` consecutive failures take a node down; a refused connection does at once (it is
///   conclusive: nothing listens there).
/// - `rise` consecutive successes bring a down node back to healthy, through `probing`.
/// - A disabled node ignores signals until it is enabled again, and restarts as `unknown`.
struct NodeStateMachine: Sendable, Hashable {
    /// A signal about a node.
    enum Signal: Sendable, Hashable {
        /// The node answered (a request not failed over, or a healthy check).
        case success
        /// The node failed; `conclusive` failures (connection refused) take it down at once.
        case failure(conclusive: Bool)
    }

    private(set) var state: NodeState = .unknown
    private(set) var consecutiveFailures = 0
    private(set) var consecutiveSuccesses = 0
    let rise: Int
    let fall: Int

    init(rise: Int, fall: Int) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// Feeds a signal and returns the new state when it changed.
    @discardableResult
    mutating func record(_ signal: Signal) -> NodeState? {
        guard state != .disabled else { return nil }
        let before = state
        switch signal {
        case .success:
            consecutiveFailures = 0
            consecutiveSuccesses += 1
            switch state {
            case .unknown, .suspect, .healthy: state = .healthy
            case .down, .probing: state = consecutiveSuccesses >= rise ? .healthy : .probing
            case .disabled: break
            }
        case .failure(let conclusive):
            consecutiveSuccesses = 0
            consecutiveFailures += 1
            if conclusive || consecutiveFailures >= fall || state == .probing || state == .down {
                state = .down
            } else {
                state = .suspect
            }
        }
        return state == before ? nil : state
    }

    /// Takes the node out of service.
    mutating func disable() {
        state = .disabled
        consecutiveSuccesses = 0
    }

    /// Puts a disabled node back in service as `unknown`; no effect otherwise.
    mutating func enable() {
        guard state == .disabled else { return }
        state = .unknown
        consecutiveFailures = 0
        consecutiveSuccesses = 0
    }

    /// Clears every failure mark: back to `unknown` unless disabled.
    mutating func reset() {
        guard state != .disabled else { return }
        state = .unknown
        consecutiveFailures = 0
        consecutiveSuccesses = 0
    }
}

extension NodeStateMachine {
    /// Sets the state remembered from a previous run, as if the hysteresis had just been satisfied:
    /// a remembered healthy node counts `rise` successes, a down one `fall` failures.
    mutating func restore(_ remembered: NodeState) {
        switch remembered {
        case .healthy:
            state = .healthy
            consecutiveSuccesses = rise
            consecutiveFailures = 0
        case .down:
            state = .down
            consecutiveFailures = fall
            consecutiveSuccesses = 0
        case .suspect, .probing, .unknown, .disabled:
            break
        }
    }
}
