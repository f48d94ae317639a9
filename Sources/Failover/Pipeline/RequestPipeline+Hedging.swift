import NIOHTTP1

/// What one attempt produced, before the classifier judged it.
struct RawAttempt<Payload: Sendable>: Sendable {
    var outcome: AttemptOutcome
    var answer: AttemptAnswer<Payload>?
    var elapsed: Duration
    /// When the attempt ended (the clock is read once per attempt end).
    var end: ContinuousClock.Instant
}

/// How the hedging phase ended.
enum HedgeResult<Payload: Sendable>: Sendable {
    /// A node gave an answer the classifier delivers; `others` are the attempts that ended before it
    /// without one (a cancelled attempt is not listed).
    case won(Node, RawAttempt<Payload>, others: [(Node, RawAttempt<Payload>)])
    /// No winner: these results are handed to the normal loop as the first attempts of their nodes.
    case results([NodeURL: RawAttempt<Payload>])
}

extension RequestPipeline {
    /// The hedge delay: the configured one, or with `adaptive` the node's recent p95 latency (at
    /// least 10 ms), falling back to the configured delay (50 ms by default) while there is none.
    func hedgeDelay(_ hedging: FailoverClient.Configuration.Hedging, node: Node) -> Duration {
        let fallback = hedging.delay ?? .milliseconds(50)
        guard hedging.adaptive, let p95 = cluster.p95(of: node) else { return fallback }
        return max(.milliseconds(10), p95)
    }

    /// Sends to `first`; if it has not answered after `delay`, sends the same request to `second`
    /// too (when the retry budget allows), and the first answer the classifier delivers wins; the
    /// other attempt is cancelled.
    @inline(never)  // keeps the task group's frame out of every request's frame
    func hedge<Payload: Sendable>(
        _ attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>,
        first: ClusterState.Candidate, second: ClusterState.Candidate, delay: Duration, until deadline: ContinuousClock.Instant, request: FailoverRequest,
        enforcesDeadline: Bool
    ) async throws -> HedgeResult<Payload> {
        try await withThrowingTaskGroup(of: (Node?, RawAttempt<Payload>?).self) { group in
            group.addTask {
                (first.node, try await performTracked(attempt, on: first, until: deadline, enforcesDeadline: enforcesDeadline, request: request, resend: 0))
            }
            group.addTask {
                try await Task.sleep(for: delay)
                return (nil, nil)
            }
            var finished: [(Node, RawAttempt<Payload>)] = []
            var running = 1
            defer { group.cancelAll() }
            while let (node, result) = try await group.next() {
                guard let node, let result else {
                    // The hedge delay passed with no answer: send to the second node too.
                    if running == 1, finished.isEmpty, budget?.withdraw() ?? true {
                        running += 1
                        cluster.metrics.hedged(to: second.node.index)
                        group.addTask {
                            (second.node, try await performTracked(
                                attempt, on: second, until: deadline, enforcesDeadline: enforcesDeadline, request: request, resend: 1))
                        }
                    }
                    continue
                }
                running -= 1
                if delivers(result, request: request) {
                    return .won(node, result, others: finished)
                }
                finished.append((node, result))
                if running == 0 { break }
            }
            return .results(Dictionary(finished.map { ($0.0.url, $0.1) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// Whether the classifier would deliver this result (a response it accepts as is).
    private func delivers<Payload: Sendable>(_ result: RawAttempt<Payload>, request: FailoverRequest) -> Bool {
        guard let answer = result.answer else { return false }
        let context = ClassificationContext(
            request: request, outcome: result.outcome, responseHeaders: answer.headers, retriesRemaining: 0)
        return classifier.classify(context) == .deliver
    }
}
