import Synchronization

/// `concurrency` workers sending one request after another until `requests` are done or
/// `timeLimit` has passed: the load of `overhead` and `memory` (throughput at a fixed concurrency).
struct ClosedLoop: Sendable {
    var concurrency: Int
    var requests: Int
    var timeLimit: Duration
    /// Keep every latency (`false` for long runs that measure memory: nothing grows but the count).
    var recordsLatencies = true

    /// What a run measured.
    struct Result: Sendable {
        /// The latency of every request, in nanoseconds (empty unless recorded).
        var latencies: [Int64]
        /// Requests completed.
        var completed: Int
        /// Requests without a 2xx answer.
        var failures: Int
        /// Wall time from the first request to the last answer.
        var elapsed: Duration

        var throughput: Double { elapsed > .zero ? Double(completed) / elapsed.secondCount : 0 }
    }

    /// Runs the load; `progress` is called with the number of requests started, every `progressEvery`.
    func run(
        driver: any RequestDriver, request: BenchRequest, progressEvery: Int = 0,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async -> Result {
        await run(driver: driver, progressEvery: progressEvery, progress: progress, request: { _ in request })
    }

    /// Runs the load, request `n` being `request(n)`; `answered` is told of every answer, with `n`.
    func run(
        driver: any RequestDriver, progressEvery: Int = 0, progress: (@Sendable (Int) -> Void)? = nil,
        answered: (@Sendable (Int, Answer) -> Void)? = nil, request: @escaping @Sendable (Int) -> BenchRequest
    ) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeLimit
        let next = Ticket()
        let records = recordsLatencies
        let perWorker = await withTaskGroup(of: ([Int64], Int, Int).self) { group in
            for _ in 0..<max(1, concurrency) {
                group.addTask {
                    var latencies: [Int64] = []
                    if records { latencies.reserveCapacity(requests / max(1, concurrency) + 1) }
                    var failures = 0
                    var completed = 0
                    while true {
                        let ticket = next.take()
                        guard ticket < requests, clock.now < deadline else { break }
                        if progressEvery > 0, ticket > 0, ticket % progressEvery == 0 { progress?(ticket) }
                        let sent = clock.now
                        let answer = await driver.send(request(ticket))
                        answered?(ticket, answer)
                        if records { latencies.append(sent.duration(to: clock.now).nanosecondCount) }
                        completed += 1
                        if !answer.succeeded { failures += 1 }
                    }
                    return (latencies, failures, completed)
                }
            }
            var all: [([Int64], Int, Int)] = []
            for await result in group { all.append(result) }
            return all
        }
        let elapsed = start.duration(to: clock.now)
        return Result(
            latencies: perWorker.flatMap(\.0), completed: perWorker.reduce(0) { $0 + $1.2 }, failures: perWorker.reduce(0) { $0 + $1.1 },
            elapsed: elapsed)
    }
}

/// Hands out increasing numbers to concurrent workers.
final class Ticket: Sendable {
    private let counter = Atomic<Int>(0)

    /// The next number, from 0.
    func take() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}
