import Synchronization

/// Limits retries to a share of recent requests, so that a full outage does not multiply the load
/// (in the spirit of Finagle's `RetryBudget` and gRPC's retry throttling).
///
/// A token bucket: every request deposits `ratio` tokens (0.2 lets one request in five retry),
/// every budgeted attempt withdraws one, and the bucket holds at most `reserve` tokens and starts full,
/// so a quiet client can still retry a few times at once.
///
/// What is budgeted: retries on the same node, and attempts on nodes already marked down. What is
/// not: the first attempt of a request, and failing over to a node not known to be down (bounded by
/// the number of nodes, and the whole point of failover). Over `n` requests in a full outage, the
/// budgeted attempts are at most `reserve + ratio * n`, so attempts per request tend to `1 + ratio`.
public final class RetryBudget: Sendable {
    /// The budget's settings.
    public struct Configuration: Sendable, Hashable {
        /// Tokens deposited per request.
        public var ratio: Double
        /// Tokens at start and at most.
        public var reserve: Double

        /// Creates a budget configuration.
        ///
        /// - Parameters:
        ///   - ratio: Tokens deposited per request (0.2 by default).
        ///   - reserve: Tokens at start and at most (10 by default).
        public init(ratio: Double = 0.2, reserve: Double = 10) {
            self.ratio = max(0, ratio)
            self.reserve = max(0, reserve)
        }
    }

    /// Tokens are counted in millionths, in one atomic: every request deposits, so the bucket is
    /// on the path of every request on every core. A full bucket (the usual case) is only read.
    private let microTokens: Atomic<Int>
    private let ratio: Int
    private let reserve: Int
    private static let one = 1_000_000

    /// Creates a full budget.
    public init(_ configuration: Configuration = Configuration()) {
        // At most a trillion tokens: far beyond any useful reserve, and no overflow in millionths.
        func micro(_ tokens: Double) -> Int { Int((min(tokens, 1e12) * Double(Self.one)).rounded()) }
        reserve = micro(configuration.reserve)
        ratio = micro(configuration.ratio)
        microTokens = Atomic(reserve)
    }

    /// Records a new request.
    func deposit() {
        var tokens = microTokens.load(ordering: .relaxed)
        while tokens < reserve {
            let (exchanged, found) = microTokens.weakCompareExchange(
                expected: tokens, desired: min(reserve, tokens + ratio), ordering: .relaxed)
            if exchanged { return }
            tokens = found
        }
    }

    /// Takes one token for a budgeted attempt.
    ///
    /// - Returns: `false` when the budget is spent (the attempt must not be made).
    func withdraw() -> Bool {
        var tokens = microTokens.load(ordering: .relaxed)
        while tokens >= Self.one {
            let (exchanged, found) = microTokens.weakCompareExchange(expected: tokens, desired: tokens - Self.one, ordering: .relaxed)
            if exchanged { return true }
            tokens = found
        }
        return false
    }

    /// The tokens available now.
    public var available: Double { Double(microTokens.load(ordering: .relaxed)) / Double(Self.one) }
}
