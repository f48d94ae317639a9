import Synchronization
import Locking

/// One request of an open-loop run.
struct Sample: Sendable {
    /// The request's number in the run.
    var index: Int
    /// When it was sent, in nanoseconds after the scenario's origin.
    var startNs: Int64
    /// How long until the answer (or the failure), in nanoseconds.
    var latencyNs: Int64
    /// What came back.
    var answer: Answer

    /// When the answer came, in nanoseconds after the origin.
    var endNs: Int64 { startNs + latencyNs }
}

/// Requests sent at a steady rate whatever the answers (an offered load, as real clients do): the
/// load of the failure scenarios, where answers may take a second and must not slow the sending.
///
/// Request `k` is sent at `start + k / rate`. At most `maxInFlight` requests are outstanding: past
/// that the sender waits (and the late start shows in `startNs`). The run sends at most
/// `rate * duration` requests, stops sending at `duration` or when `stop` is raised, then waits
/// for the answers (each bounded by its client's timeouts).
struct OpenLoop: Sendable {
    var rate: Double
    var duration: Duration
    var maxInFlight = 2_000

    /// Runs the load.
    ///
    /// - Parameters:
    ///   - driver: Where requests go.
    ///   - origin: The instant `startNs` counts from (the scenario's time zero).
    ///   - stop: Raised by the scenario to stop sending early.
    ///   - request: Request `k`.
    ///   - observe: Sees each sample as it completes.
    /// - Returns: Every sample, in completion order.
    func run(
        driver: any RequestDriver, origin: ContinuousClock.Instant, stop: StopSignal? = nil,
        request: @escaping @Sendable (Int) -> BenchRequest, observe: (@Sendable (Sample) -> Void)? = nil
    ) async -> [Sample] {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + duration
        let count = max(1, Int(rate * duration.secondCount))
        let interval = Duration.nanoseconds(Int64(1e9 / max(rate, 0.001)))
        let sink = SampleSink()
        await withDiscardingTaskGroup { group in
            for index in 0..<count {
                let due = start + interval * index
                if due > clock.now { try? await Task.sleep(until: due, tolerance: .microseconds(100), clock: .continuous) }
                while sink.inFlight >= maxInFlight, clock.now < end {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                if clock.now >= end || stop?.isRaised == true { break }
                sink.begin()
                group.addTask {
                    let sent = clock.now
                    let answer = await driver.send(request(index))
                    let sample = Sample(
                        index: index, startNs: origin.duration(to: sent).nanosecondCount,
                        latencyNs: sent.duration(to: clock.now).nanosecondCount, answer: answer)
                    observe?(sample)
                    sink.end(sample)
                }
            }
        }
        return sink.samples
    }
}

/// Collects samples from concurrent requests and counts those outstanding.
final class SampleSink: Sendable {
    private struct State {
        var samples: [Sample] = []
        var inFlight = 0
    }

    private let state = LockedValue(State())

    var inFlight: Int { state.withLock { $0.inFlight } }
    var samples: [Sample] { state.withLock { $0.samples } }

    func begin() { state.withLock { $0.inFlight += 1 } }

    func end(_ sample: Sample) {
        state.withLock {
            $0.inFlight -= 1
            $0.samples.append(sample)
        }
    }
}

/// A flag a scenario raises to stop its load.
final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    var isRaised: Bool { raised.load(ordering: .relaxed) }

    func raise() { raised.store(true, ordering: .relaxed) }
}
