import NIOHTTP1
import Synchronization

/// ``FailoverClient/Configuration-swift.struct/StallDetection-swift.enum`` in 8 bytes, as a request's
/// policy carries it: the nanoseconds of a fixed threshold, 0 for the automatic one, -1 for off.
struct StallRule: Sendable, Hashable {
    private let encoded: Int64

    init(_ detection: FailoverClient.Configuration.StallDetection) {
        switch detection {
        case .automatic: encoded = 0
        case .off: encoded = -1
        case .after(let threshold): encoded = threshold > .zero ? max(1, NodeActivity.nanoseconds(of: threshold)) : -1
        }
    }

    var isOn: Bool { encoded >= 0 }

    /// The fixed threshold; `nil` for the automatic one.
    var fixedThreshold: Duration? { encoded > 0 ? .nanoseconds(encoded) : nil }
}

/// What a node owes and when it last said anything: the evidence for stall detection.
///
/// A node *stalls* when at least one attempt sent to it is outstanding and no attempt on it has
/// ended (with an answer or a failure other than a timeout) for longer than the stall threshold:
/// it owes answers and has gone silent. While it stalls, new requests try it after the other
/// eligible nodes; nothing is held against its health (the attempts it owes do that when they time
/// out), and it takes its place back as soon as it ends an attempt.
///
/// Lock-free: every attempt updates it at its start and its end, so it is a few atomics, not a
/// state under the cluster's lock.
final class NodeActivity: Sendable {
    /// Instants are kept as nanoseconds since this one (a `ContinuousClock.Instant` is opaque).
    private static let epoch = ContinuousClock.now

    private let outstanding = Atomic<Int>(0)
    /// When an attempt last ended (not by a timeout), or when the node last went from owing nothing
    /// to owing an answer.
    private let lastProgress = Atomic<Int64>(0)
    /// The automatic threshold, from the node's recent latencies; 0 while there is none.
    private let automaticThreshold = Atomic<Int64>(0)
    /// A stall was reported and the node has not ended an attempt since.
    private let reportedStall = Atomic<Bool>(false)
    /// The HTTP version of the node's last answer: 0 unknown, 1 HTTP/1.x, 2 HTTP/2.
    private let protocolCode = Atomic<UInt8>(0)

    static func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 { nanoseconds(of: epoch.duration(to: instant)) }

    static func nanoseconds(of duration: Duration) -> Int64 {
        Int64(truncatingIfNeeded: duration.attoseconds / 1_000_000_000)  // cheaper than `components`
    }

    /// An attempt to the node starts.
    ///
    /// When the node owed nothing, its silence starts now: the time is stored before the count
    /// rises, and the count is published with release ordering, so a reader that sees the count
    /// sees the time (never a count of 1 with the time of an answer from minutes ago).
    func begin(at now: ContinuousClock.Instant) {
        if outstanding.load(ordering: .relaxed) == 0 {
            lastProgress.store(Self.nanoseconds(now), ordering: .relaxed)
        }
        outstanding.wrappingAdd(1, ordering: .releasing)
    }

    /// An attempt to the node ended.
    ///
    /// - Parameters:
    ///   - now: When.
    ///   - spoke: Whether the node said something (an answer, a refused or reset connection...):
    ///     not a timeout, not a cancellation.
    /// - Returns: Whether the node had been reported stalled and now ends its stall by speaking.
    ///   A stall whose attempts all ended silently (timeouts, cancellations) is over too, without
    ///   a word from the node: its report is cleared and `false` returned.
    func end(at now: ContinuousClock.Instant, spoke: Bool) -> Bool {
        if spoke { lastProgress.store(Self.nanoseconds(now), ordering: .relaxed) }
        let remaining = outstanding.wrappingSubtract(1, ordering: .releasing).newValue
        guard spoke || remaining == 0, reportedStall.load(ordering: .relaxed) else { return false }
        return reportedStall.exchange(false, ordering: .relaxed) && spoke
    }

    /// How long the node has owed an answer without saying anything, or `nil` when it owes nothing.
    func silence(at now: ContinuousClock.Instant) -> (silence: Duration, outstanding: Int)? {
        let owed = outstanding.load(ordering: .acquiring)
        guard owed > 0 else { return nil }
        let nanoseconds = max(0, Self.nanoseconds(now) - lastProgress.load(ordering: .relaxed))
        return (.nanoseconds(nanoseconds), owed)
    }

    /// Whether the node stalls by `threshold`; `nil` means the automatic one.
    ///
    /// - Returns: The silence and the attempts outstanding when it stalls, else `nil`.
    func stall(at now: ContinuousClock.Instant, threshold: Duration?) -> (silence: Duration, outstanding: Int)? {
        guard let (silence, owed) = silence(at: now) else { return nil }
        let limit: Duration
        if let threshold {
            limit = threshold
        } else {
            let automatic = automaticThreshold.load(ordering: .relaxed)
            guard automatic > 0 else { return nil }  // nothing known yet of what is normal for the node
            limit = .nanoseconds(automatic)
        }
        return silence > limit ? (silence, owed) : nil
    }

    /// Marks the stall as reported; `true` for the first report of this stall.
    func reportStall() -> Bool {
        !reportedStall.load(ordering: .relaxed) && !reportedStall.exchange(true, ordering: .relaxed)
    }

    /// Notes the HTTP version of an answer of the node (the protocol of the connection it came on).
    func noteProtocol(_ version: HTTPVersion) {
        noteProtocol(NodeProtocol(version))
    }

    /// Notes the protocol of an answer of the node.
    func noteProtocol(_ value: NodeProtocol) {
        let code: UInt8 = value == .http2 ? 2 : 1
        if protocolCode.load(ordering: .relaxed) != code { protocolCode.store(code, ordering: .relaxed) }
    }

    /// The protocol of the node's last answer, if it has answered.
    var lastProtocol: NodeProtocol? {
        switch protocolCode.load(ordering: .relaxed) {
        case 1: .http1_1
        case 2: .http2
        default: nil
        }
    }

    /// Attempts to the node in flight now.
    var inFlight: Int { max(0, outstanding.load(ordering: .relaxed)) }

    /// The automatic threshold now, if the node has answered.
    var threshold: Duration? {
        let value = automaticThreshold.load(ordering: .relaxed)
        return value > 0 ? .nanoseconds(value) : nil
    }

    /// Sets the automatic threshold from the node's recent p99 latency.
    func setAutomaticThreshold(p99: Duration) {
        let value = FailoverClient.Configuration.StallDetection.automaticThreshold(p99: p99)
        automaticThreshold.store(max(1, Self.nanoseconds(of: value)), ordering: .relaxed)
    }
}
