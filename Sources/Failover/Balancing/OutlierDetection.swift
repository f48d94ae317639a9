extension FailoverClient.Configuration {
    /// Outlier ejection (gray failure): within a priority level, a node whose recent failure rate or
    /// latency stands far from its peers' is taken out of rotation for a while, as Envoy's outlier
    /// detection does. It applies when nodes share traffic (a ``LoadBalancing`` other than
    /// `failover`): a node that gets no traffic has nothing to compare.
    ///
    /// A node is judged on its last ``window`` of answers, once it has at least
    /// ``minimumRequests`` there and a peer of its level has too:
    /// - failure rate: at least ``failureRate``, and at least ``failureRateMargin`` above the
    ///   median of its peers' (failures are transport failures and 5xx; a 4xx is an answer);
    /// - latency: a mean at least ``latencyFactor`` times its peers' median, and at least
    ///   ``minimumLatencyExcess`` above it.
    ///
    /// An ejected node stays out for ``baseEjectionTime`` times the number of its ejections (at
    /// most ``maximumEjectionTime``), then comes back; never more than ``maximumEjectedShare`` of a
    /// level is out at once.
    public struct OutlierDetection: Sendable, Hashable {
        /// How far back a node's answers are looked at (10 s).
        public var window: Duration
        /// Answers a node needs in the window to be judged (10).
        public var minimumRequests: Int
        /// The failure rate from which a node may be ejected (0.2).
        public var failureRate: Double
        /// How far above its peers' median failure rate it must be (0.1).
        public var failureRateMargin: Double
        /// How many times its peers' median latency makes a node slow (5).
        public var latencyFactor: Double
        /// How much slower than its peers' median a slow node must be at least (50 ms).
        public var minimumLatencyExcess: Duration
        /// The first ejection's length (30 s).
        public var baseEjectionTime: Duration
        /// The longest ejection (300 s).
        public var maximumEjectionTime: Duration
        /// The largest share of a level ejected at once (0.5).
        public var maximumEjectedShare: Double

        /// Creates outlier detection settings.
        public init(
            window: Duration = .seconds(10), minimumRequests: Int = 10, failureRate: Double = 0.2, failureRateMargin: Double = 0.1,
            latencyFactor: Double = 5, minimumLatencyExcess: Duration = .milliseconds(50), baseEjectionTime: Duration = .seconds(30),
            maximumEjectionTime: Duration = .seconds(300), maximumEjectedShare: Double = 0.5
        ) {
            self.window = window
            self.minimumRequests = minimumRequests
            self.failureRate = failureRate
            self.failureRateMargin = failureRateMargin
            self.latencyFactor = latencyFactor
            self.minimumLatencyExcess = minimumLatencyExcess
            self.baseEjectionTime = baseEjectionTime
            self.maximumEjectionTime = maximumEjectionTime
            self.maximumEjectedShare = maximumEjectedShare
        }

        /// Why a node with these recent totals stands out from its peers', if it does. Pure.
        func verdict(for node: RecentWindow.Totals, peers: [RecentWindow.Totals]) -> EjectionReason? {
            guard node.requests >= minimumRequests else { return nil }
            let judged = peers.filter { $0.requests >= minimumRequests }
            guard !judged.isEmpty else { return nil }
            let peerFailure = Self.median(judged.map(\.failureRate))
            if node.failureRate >= failureRate, node.failureRate - peerFailure >= failureRateMargin {
                return .failureRate(node.failureRate)
            }
            let peerLatencies = judged.compactMap(\.meanLatency)
            if let latency = node.meanLatency, !peerLatencies.isEmpty {
                let typical = Self.median(peerLatencies)
                if latency >= typical * latencyFactor, latency - typical >= Double(minimumLatencyExcess.nanoseconds) {
                    return .latency(.nanoseconds(Int64(latency)))
                }
            }
            return nil
        }

        /// How long the `count`-th ejection of a node lasts.
        func ejectionTime(count: Int) -> Duration {
            min(maximumEjectionTime, baseEjectionTime * max(1, count))
        }

        /// How many members of a level of `size` may be ejected at once.
        func maximumEjected(levelSize size: Int) -> Int {
            Int((Double(size) * maximumEjectedShare).rounded(.down))
        }

        private static func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}

/// Why a node was ejected.
public enum EjectionReason: Sendable, Hashable {
    /// Its recent failure rate (0 to 1) stood far above its peers'.
    case failureRate(Double)
    /// Its recent mean latency stood far above its peers'.
    case latency(Duration)

    /// A stable identifier: `failureRate` or `latency`.
    public var identifier: String {
        switch self {
        case .failureRate: "failureRate"
        case .latency: "latency"
        }
    }
}

/// A node out of rotation after standing out from its peers.
public struct NodeEjection: Sendable, Hashable {
    /// Why.
    public var reason: EjectionReason
    /// How long it lasts.
    public var duration: Duration
    /// Which ejection of the node this is (1 for the first).
    public var count: Int
}
