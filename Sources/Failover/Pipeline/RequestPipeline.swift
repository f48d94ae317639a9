import Localization
import Logging
import NIOCore
package import NIOHTTP1
import NIOPosix
import Synchronization

/// What one attempt produced when the node answered: status, headers, and whatever the caller
/// needs to hand back (a buffered body, or an OpenAPI response and its streaming body).
package struct AttemptAnswer<Payload: Sendable>: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var payload: Payload

    package init(status: Int, headers: HTTPHeaders, payload: Payload) {
        self.status = status
        self.headers = headers
        self.payload = payload
    }
}

/// The answer the pipeline delivered, with the node and every attempt.
package struct Delivered<Payload: Sendable>: Sendable {
    package var answer: AttemptAnswer<Payload>
    package var node: Node
    package var attempts: [Attempt]
    package var duration: Duration
}

/// Runs one request through the algorithm of DESIGN §4: the current node first, retries on the same
/// node with backoff, failover to the next node, all within one overall deadline.
struct RequestPipeline: Sendable {
    let settings: ClientSettings
    let transport: any Transport
    let classifier: any ErrorClassifier
    let cluster: ClusterState
    let budget: RetryBudget?
    let logger: Logger

    /// Where the loop stands after an attempt that did not deliver.
    private enum Next {
        /// Try the same node again; a fresh-connection retry does not count against `MAX_RETRIES`.
        case retrySameNode(after: Duration, countsAsRetry: Bool = true)
        case nextNode
    }

    func execute(_ request: FailoverRequest) async throws -> FailoverResponse {
        let maxBodySize = settings.policy.maxResponseBodySize
        let delivered = try await run(request, enforcesDeadline: false) { node, deadline in
            let answer = try await transport.send(transportRequest(request, node: node, maxBodySize: maxBodySize), deadline: deadline)
            return AttemptAnswer(status: answer.status, headers: answer.headers, payload: answer.body)
        }
        return FailoverResponse(
            status: HTTPResponseStatus(statusCode: delivered.answer.status), headers: delivered.answer.headers,
            body: delivered.answer.payload, node: delivered.node, url: delivered.node.url.url(for: request.path),
            attempts: delivered.attempts, duration: delivered.duration)
    }

    /// Runs the failover algorithm with `attempt` sending the request to one node before a deadline.
    ///
    /// A ``Transport`` keeps its own deadline (its contract); other senders (the OpenAPI middleware's
    /// `next`) are bounded here with `enforcesDeadline`.
    func run<Payload: Sendable>(
        _ request: FailoverRequest, enforcesDeadline: Bool = true,
        attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>
    ) async throws -> Delivered<Payload> {
        try validate(request)
        let configuration = settings.policy
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + configuration.timeouts.total
        budget?.deposit()
        let (startCurrent, candidates) = cluster.candidates()
        let nodeCount = cluster.nodeCount
        guard !candidates.isEmpty else { throw FailoverError(.noEnabledNode, nodeCount: nodeCount, request: request) }

        var attempts: [Attempt] = []
        var switches = 0
        var budgetExhausted = false
        var lastRetryableResponse: (AttemptAnswer<Payload>, Node)?

        var prefetched: [NodeURL: RawAttempt<Payload>] = [:]
        if let hedging = configuration.hedging, request.isIdempotent, candidates.count > 1, !candidates[1].isLastResort {
            let first = candidates[0].node, second = candidates[1].node
            let attemptDeadline = min(start + configuration.timeouts.request, deadline)
            switch try await hedge(
                attempt, first: first, second: second, delay: hedgeDelay(hedging, node: first), until: attemptDeadline, request: request,
                enforcesDeadline: enforcesDeadline
            ) {
            case .won(let node, let winner, let others):
                for (loser, result) in others {
                    let failed = Attempt(node: loser.index, url: loser.url, retry: 0, outcome: result.outcome, duration: result.elapsed)
                    attempts.append(failed)
                    cluster.recordFailure(node: loser, outcome: result.outcome, latency: result.elapsed)
                    cluster.broadcaster.yield([.attemptFailed(failed)])
                }
                attempts.append(Attempt(node: node.index, url: node.url, retry: 0, outcome: winner.outcome, duration: winner.elapsed))
                cluster.recordDelivered(node: node, latency: winner.elapsed, ifCurrentIs: startCurrent)
                guard let answer = winner.answer else { throw CancellationError() }
                return Delivered(answer: answer, node: node, attempts: attempts, duration: start.duration(to: clock.now))
            case .results(let results):
                prefetched = results
            }
        }

        func timeoutError() -> FailoverError {
            FailoverError(.timeout, attempts: attempts, nodeCount: nodeCount, request: request,
                          deadlineMilliseconds: configuration.timeouts.total.wholeMilliseconds)
        }

        candidateLoop: for (position, candidate) in candidates.enumerated() {
            let node = candidate.node
            if position > 0 {
                guard switches < configuration.maxFailoverAttempts else { break }
                if candidate.isLastResort, let budget, !budget.withdraw() {
                    budgetExhausted = true
                    break
                }
                switches += 1
            }
            var retry = 0
            var staleRetryUsed = false
            while true {
                try Task.checkCancellation()
                guard clock.now < deadline else { throw timeoutError() }
                let attemptStart = clock.now
                let attemptDeadline = min(attemptStart + configuration.timeouts.request, deadline)

                let raw: RawAttempt<Payload>
                if retry == 0, !staleRetryUsed, let early = prefetched.removeValue(forKey: node.url) {
                    raw = early  // already sent by the hedging phase
                } else {
                    raw = try await perform(attempt, on: node, until: attemptDeadline, enforcesDeadline: enforcesDeadline)
                }
                let outcome = raw.outcome
                let response = raw.answer
                let elapsed = raw.elapsed
                let attempt = Attempt(node: node.index, url: node.url, retry: retry, outcome: outcome, duration: elapsed)
                attempts.append(attempt)

                let context = ClassificationContext(
                    request: request, outcome: outcome, responseHeaders: response?.headers ?? [:],
                    retriesRemaining: max(0, configuration.retry.maxRetries - retry))
                let decision = classifier.classify(context)
                let next: Next
                switch decision {
                case .deliver:
                    guard let response else {
                        // A classifier that delivers a transport failure: nothing to deliver, report it.
                        cluster.recordFailure(node: node, outcome: outcome, latency: nil)
                        throw FailoverError(.requestFailed, attempts: attempts, nodeCount: nodeCount, request: request)
                    }
                    cluster.recordDelivered(node: node, latency: elapsed, ifCurrentIs: startCurrent)
                    return Delivered(answer: response, node: node, attempts: attempts, duration: start.duration(to: clock.now))
                case .fail:
                    cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
                    throw FailoverError(.requestFailed, attempts: attempts, nodeCount: nodeCount, request: request)
                case .retry(let after):
                    if isNodeFailure(outcome) {
                        cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
                    } else if let response {
                        lastRetryableResponse = (response, node)
                    }
                    next = retryOrMoveOn(retry: retry, after: after, now: clock.now, deadline: deadline, configuration: configuration)
                case .failover:
                    if retry == 0, !staleRetryUsed, case .failure(let failure) = outcome, failure.kind == .connectionClosed {
                        // A pooled connection the node had closed says nothing about the node: try a
                        // fresh connection once, at once, before judging it.
                        staleRetryUsed = true
                        next = .retrySameNode(after: .zero, countsAsRetry: false)
                    } else if let response, response.status == 408 || response.status == 429 {
                        // "Come back later" says nothing against the node: keep the answer in case
                        // every node says the same, and try the next one.
                        lastRetryableResponse = (response, node)
                        next = .nextNode
                    } else {
                        cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
                        next = .nextNode
                    }
                }

                cluster.broadcaster.yield([.attemptFailed(attempt)])
                logger.info("\(FailoverEvent.attemptFailed(attempt))", metadata: [
                    "failover.node": "\(node.index)", "failover.attempt": "\(attempts.count)",
                    "failover.outcome": "\(outcome.identifier)", "failover.detail": "\(outcome.detail)",
                ])
                guard request.mayResend(after: outcome) else {
                    if let response {
                        // The node answered; the answer is the caller's to judge, not ours to repeat.
                        return Delivered(answer: response, node: node, attempts: attempts, duration: start.duration(to: clock.now))
                    }
                    let error = FailoverError(.notResent, attempts: attempts, nodeCount: nodeCount, request: request)
                    logger.notice("\(error.message(in: .current))", metadata: ["failover.node": "\(node.index)", "failover.outcome": "\(outcome.identifier)"])
                    throw error
                }
                switch next {
                case .retrySameNode(let delay, let countsAsRetry):
                    let event = FailoverEvent.retrying(node: node.index, retry: retry + 1, delay: delay)
                    cluster.broadcaster.yield([event])
                    logger.debug("\(event)", metadata: ["failover.node": "\(node.index)", "failover.delayMs": "\(delay.wholeMilliseconds)"])
                    if delay > .zero { try await Task.sleep(for: delay) }
                    if countsAsRetry { retry += 1 }
                case .nextNode:
                    continue candidateLoop
                }
            }
        }

        if let (response, node) = lastRetryableResponse {
            // Every node asked us to come back later (429/408) and we could not wait: say so as they did.
            return Delivered(answer: response, node: node, attempts: attempts, duration: start.duration(to: clock.now))
        }
        if clock.now >= deadline { throw timeoutError() }
        throw FailoverError(.allNodesUnavailable, attempts: attempts, nodeCount: nodeCount, request: request, budgetExhausted: budgetExhausted)
    }

    /// Sends one attempt within its deadline; every failure becomes an outcome (only cancellation throws).
    func perform<Payload: Sendable>(
        _ attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>,
        on node: Node, until deadline: ContinuousClock.Instant, enforcesDeadline: Bool
    ) async throws -> RawAttempt<Payload> {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let answer = enforcesDeadline
                ? try await withAttemptDeadline(deadline) { try await attempt(node, deadline) }
                : try await attempt(node, deadline)
            return RawAttempt(outcome: .response(status: answer.status), answer: answer, elapsed: start.duration(to: clock.now))
        } catch let failure as TransportFailure {
            return RawAttempt(outcome: .failure(failure), answer: nil, elapsed: start.duration(to: clock.now))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            return RawAttempt(outcome: .failure(TransportFailure(.other, detail: String(describing: error))), answer: nil, elapsed: start.duration(to: clock.now))
        }
    }

    /// A failure or a 5xx counts against the node's health; a 408 or 429 does not.
    private func isNodeFailure(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .failure: true
        case .response(let status): status >= 500
        }
    }

    private func retryOrMoveOn(
        retry: Int, after: Duration?, now: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        configuration: RequestPolicy
    ) -> Next {
        guard retry < configuration.retry.maxRetries else { return .nextNode }
        var generator = SystemRandomNumberGenerator()
        let backoff = Backoff(base: configuration.retry.baseDelay, cap: configuration.retry.maxDelay)
        let delay = after ?? backoff.delay(forRetry: retry, using: &generator)
        // A wait that would pass the deadline is not a retry worth making.
        guard now + delay < deadline else { return .nextNode }
        if let budget, !budget.withdraw() { return .nextNode }
        return .retrySameNode(after: delay)
    }

    private func transportRequest(_ request: FailoverRequest, node: Node, maxBodySize: Int) -> TransportRequest {
        TransportRequest(
            url: node.url.url(for: request.path), method: request.method, headers: request.headers, body: request.body,
            maxResponseBodySize: maxBodySize)
    }

    /// Whether `path` is a path and query to append to a base URL: no scheme (`://`), no
    /// whitespace, no control character. One pass over the UTF-8 bytes; Unicode properties are
    /// looked up only for non-ASCII paths.
    static func isRelative(_ path: String) -> Bool {
        var slashesAfterColon = -1  // -1: no colon just before; 0: ":" seen; 1: ":/" seen
        var ascii = true
        for byte in path.utf8 {
            if byte <= 0x20 || byte == 0x7F { return false }
            if byte >= 0x80 { ascii = false }
            switch (byte, slashesAfterColon) {
            case (UInt8(ascii: ":"), _): slashesAfterColon = 0
            case (UInt8(ascii: "/"), 0): slashesAfterColon = 1
            case (UInt8(ascii: "/"), 1): return false
            default: slashesAfterColon = -1
            }
        }
        return ascii || !path.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    private func validate(_ request: FailoverRequest) throws(FailoverError) {
        let path = request.path
        guard Self.isRelative(path) else {
            throw FailoverError(.invalidRequest, nodeCount: cluster.nodeCount, request: request, subject: path)
        }
    }
}

/// Runs `body`, failing with ``TransportFailure/Kind-swift.enum/timeout`` when `deadline` passes
/// first (the body is cancelled): the per-attempt bound, head and body, whatever the sender does.
///
/// One task and one event-loop timer per attempt (cheaper than a task group racing a sleep): the
/// timer cancels the task; the caller's cancellation is passed on to it.
func withAttemptDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let work = Task { try await body() }
    let expired = DeadlineFlag()
    let remaining = ContinuousClock.now.duration(to: deadline)
    let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(max(0, remaining.nanoseconds))) {
        expired.set()
        work.cancel()
    }
    defer { timer.cancel() }
    do {
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    } catch {
        if Task.isCancelled { throw CancellationError() }
        if expired.isSet { throw TransportFailure(.timeout) }
        if let failure = error as? TransportFailure { throw failure }
        if error is CancellationError { throw TransportFailure(.timeout) }
        throw TransportFailure(classifying: error)
    }
}

/// Whether an attempt's timer fired.
private final class DeadlineFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
