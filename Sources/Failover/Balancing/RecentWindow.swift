/// Counts over the last few seconds, in one-second buckets: what a node did lately (requests,
/// failures, the sum of latencies), for outlier detection and the share of requests.
///
/// Pure: the caller gives the second (on its own clock) of each record and of each read.
struct RecentWindow: Sendable, Equatable {
    struct Totals: Sendable, Equatable {
        var requests = 0
        var failures = 0
        /// The sum of the latencies of the requests that reported one, in nanoseconds.
        var latency: Double = 0
        var timed = 0

        var failureRate: Double { requests > 0 ? Double(failures) / Double(requests) : 0 }
        var meanLatency: Double? { timed > 0 ? latency / Double(timed) : nil }

        static func += (lhs: inout Totals, rhs: Totals) {
            lhs.requests += rhs.requests
            lhs.failures += rhs.failures
            lhs.latency += rhs.latency
            lhs.timed += rhs.timed
        }
    }

    private var buckets: [Totals]
    /// The second each bucket counts (a bucket of an older second is stale).
    private var seconds: [Int64]

    /// A window of `length` seconds.
    init(seconds length: Int) {
        buckets = Array(repeating: Totals(), count: max(1, length))
        seconds = Array(repeating: -1, count: max(1, length))
    }

    /// Records one request in `second`.
    mutating func record(failed: Bool, latency: Double?, second: Int64) {
        let slot = Int(second % Int64(buckets.count))
        if seconds[slot] != second {
            seconds[slot] = second
            buckets[slot] = Totals()
        }
        buckets[slot].requests += 1
        if failed { buckets[slot].failures += 1 }
        if let latency {
            buckets[slot].latency += latency
            buckets[slot].timed += 1
        }
    }

    /// The totals of the window ending at `second`.
    func totals(at second: Int64) -> Totals {
        var sum = Totals()
        for slot in buckets.indices where seconds[slot] > second - Int64(buckets.count) && seconds[slot] <= second {
            sum += buckets[slot]
        }
        return sum
    }

    /// Forgets everything.
    mutating func clear() {
        for slot in buckets.indices {
            buckets[slot] = Totals()
            seconds[slot] = -1
        }
    }
}
