import OrderedJSON

/// Columns measured side by side in rounds: each round runs every column once, in a rotating order,
/// with the same number of requests. A column's ratio to the baseline is the median of its rounds'
/// ratios, each round against the baseline's run of the same round: on a shared machine the speed
/// drifts by more than the differences measured, and a pair run side by side sees the same drift.
struct PairedRounds: Sendable {
    static let defaultRounds = 10
    var rounds = PairedRounds.defaultRounds

    /// Warms every driver up, then runs `total` requests per column at `concurrency`, in rounds.
    func measure<Key: Hashable & Sendable>(
        _ drivers: [Key: any RequestDriver], order: [Key], concurrency: Int, total: Int
    ) async -> [Key: Measurement] {
        let perRound = max(1, total / rounds)
        // Warm-up: connections open, code paths hot.
        for key in order {
            guard let driver = drivers[key] else { continue }
            _ = await ClosedLoop(concurrency: concurrency, requests: min(perRound, 2_000), timeLimit: .seconds(30)).run(driver: driver, request: .stats)
        }
        var latencies: [Key: [Int64]] = [:]
        var elapsed: [Key: Duration] = [:]
        var throughputs: [Key: [Double]] = [:]
        var failures: [Key: Int] = [:]
        for round in 0..<rounds {
            for offset in 0..<order.count {
                let key = order[(round + offset) % order.count]
                guard let driver = drivers[key] else { continue }
                let result = await ClosedLoop(concurrency: concurrency, requests: perRound, timeLimit: .seconds(120))
                    .run(driver: driver, request: .stats)
                latencies[key, default: []] += result.latencies
                elapsed[key, default: .zero] += result.elapsed
                throughputs[key, default: []].append(result.throughput)
                failures[key, default: 0] += result.failures
            }
        }
        var measured: [Key: Measurement] = [:]
        for key in order {
            let samples = latencies[key] ?? []
            let time = elapsed[key] ?? .zero
            measured[key] = Measurement(
                latencies: LatencyStats(samples), throughput: time > .zero ? Double(samples.count) / time.secondCount : 0,
                rounds: throughputs[key] ?? [], failures: failures[key] ?? 0)
        }
        return measured
    }

    struct Measurement: Sendable {
        var latencies: LatencyStats
        /// Every request over the time of every round.
        var throughput: Double
        /// The throughput of each round, in order.
        var rounds: [Double]
        var failures: Int

        /// The throughput of each round over the baseline's in the same round.
        func roundRatios(to baseline: Measurement) -> [Double] {
            zip(rounds, baseline.rounds).map { $1 > 0 ? $0 / $1 : 0 }
        }

        /// The median of ``roundRatios(to:)``: what the column's ratio to the baseline is taken as.
        func ratio(to baseline: Measurement) -> Double {
            let sorted = roundRatios(to: baseline).sorted()
            guard !sorted.isEmpty else { return 0 }
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }

        func json(baseline: Measurement?) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("throughput", .decimal(throughput)), ("roundThroughputs", .array(rounds.map { .decimal($0) })),
            ]
            if let baseline {
                fields.append(("ratio", .decimal(ratio(to: baseline))))
                fields.append(("roundRatios", .array(roundRatios(to: baseline).map { .decimal($0) })))
            }
            return .object(fields + [("failures", .integer(failures)), ("latency", latencies.json)])
        }
    }
}
