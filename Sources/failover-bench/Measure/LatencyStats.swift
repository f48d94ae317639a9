import OrderedJSON
/// Latencies of one measurement, kept as a sorted array of nanoseconds (no histogram library: a
/// run holds at most a few million samples, and exact percentiles are worth the memory).
struct LatencyStats: Sendable {
    /// The samples, in nanoseconds, ascending.
    let sorted: [Int64]

    /// Sorts `nanoseconds`.
    init(_ nanoseconds: [Int64]) {
        sorted = nanoseconds.sorted()
    }

    /// How many samples.
    var count: Int { sorted.count }

    /// The nearest-rank percentile (`percentile(99)` is p99), in nanoseconds; `nil` without samples.
    func percentile(_ percent: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    /// The median, in nanoseconds.
    var p50: Int64? { percentile(50) }
    /// The 99th percentile, in nanoseconds.
    var p99: Int64? { percentile(99) }
    /// The largest sample, in nanoseconds.
    var max: Int64? { sorted.last }
    /// The mean of the answered requests (failures, stored as `Int64.max`, left out), in nanoseconds.
    var mean: Double? {
        let answered = sorted.prefix { $0 != .max }
        return answered.isEmpty ? nil : answered.reduce(0.0) { $0 + Double($1) } / Double(answered.count)
    }

    /// Requests that got no answer (stored as `Int64.max`).
    var failed: Int { sorted.count - (sorted.firstIndex(of: .max) ?? sorted.count) }

    /// Count, p50, p90, p99, p99.9, max and mean, in milliseconds.
    var json: JSONValue {
        .object([
            ("count", .integer(count)),
            ("failed", .integer(failed)),
            ("p50Ms", .milliseconds(nanoseconds: p50)),
            ("p90Ms", .milliseconds(nanoseconds: percentile(90))),
            ("p99Ms", .milliseconds(nanoseconds: p99)),
            ("p999Ms", .milliseconds(nanoseconds: percentile(99.9))),
            ("maxMs", .milliseconds(nanoseconds: max)),
            ("meanMs", mean.map { .decimal($0 / 1e6) } ?? .null),
        ])
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a `Double`.
    var secondCount: Double { Double(nanosecondCount) / 1e9 }
}
