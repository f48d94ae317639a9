import Localization
import Logging
import NIOCore
package import NIOHTTP1
import NIOPosix
import Locking

/// What one attempt produced when the node answered: status, headers, and whatever the caller
/// needs to hand back (a buffered body, or an OpenAPI response and its streaming body).
package struct AttemptAnswer<Payload: Sendable>: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var payload: Payload
    /// The HTTP version of the answer, when the sender knows it.
    package var version: HTTPVersion?

    package init(status: Int, headers: HTTPHeaders, payload: Payload, version: HTTPVersion? = nil) {
        self.status = status
        self.headers = headers
        self.payload = payload
        self.version = version
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
    /// The classifier is ``DefaultErrorClassifier``: its answers that need no context are known here.
    let classifiesByDefault: Bool
    /// Spans of attempts; `nil` with the no-op tracer.
    let tracing: FailoverTracing?

    init(
        settings: ClientSettings, transport: any Transport, classifier: any ErrorClassifier, cluster: ClusterState, budget: RetryBudget?,
        logger: Logger, tracing: FailoverTracing? = nil
    ) {
        self.tracing = tracing
        self.settings = settings
        self.transport = transport
        self.classifier = classifier
        self.cluster = cluster
        self.budget = budget
        self.logger = logger
        classifiesByDefault = classifier is DefaultErrorClassifier
    }

    /// Where the loop stands after an attempt that did not deliver.
    private enum Next {
        /// Try the same node again; a fresh-connection retry does not count against `MAX_RETRIES`.
        case retrySameNode(after: Duration, countsAsRetry: Bool = true)
        case nextNode
    }

    /// Inlined into ``FailoverClient/execute(_:)``: one async frame fewer for every request in flight.
    @inline(__always)
    func execute(_ request: FailoverRequest) async throws -> FailoverResponse {
        let policy = settings.policy
        let maxBodySize = policy.maxResponseBodySize
        let delivered = try await run(request, policy: policy, enforcesDeadline: false) { [transport, tracing] node, deadline in
            let url = node.url.url(for: request.path)
            var headers = request.headers
            tracing?.inject(into: &headers)
            let answer = try await transport.send(
                TransportRequest(url: url, method: request.method, headers: headers, body: request.body, maxResponseBodySize: maxBodySize),
                deadline: deadline)
            return AttemptAnswer(
                status: answer.status, headers: answer.headers, payload: BufferedPayload(body: answer.body, url: url), version: answer.version)
        }
        return FailoverResponse(
            status: HTTPResponseStatus(statusCode: delivered.answer.status), headers: delivered.answer.headers,
            body: delivered.answer.payload.body, node: delivered.node, url: delivered.answer.payload.url,
            attempts: delivered.attempts, duration: delivered.duration)
    }

    /// What ``execute(_:)`` keeps of an answer: the body, and the URL it was sent to (built once).
    struct BufferedPayload: Sendable {
        var body: ByteBuffer
        var url: String
    }

    /// Runs the failover algorithm with `attempt` sending the request to one node before a deadline.
    ///
    /// A ``Transport`` keeps its own deadline (its contract); other senders (the OpenAPI middleware's
    /// `next`) are bounded here with `enforcesDeadline`. `policy` is the configuration in force,
    /// when the caller has already read it (read once per request).
    ///
    /// The loop itself only sends and waits: what to make of each attempt is decided by the
    /// synchronous ``judge(_:on:retry:staleRetryUsed:request:run:)``, and the hedging phase is a
    /// function of its own, so the frame every request keeps while it waits stays small.
    func run<Payload: Sendable>(
        _ request: FailoverRequest, policy: RequestPolicy? = nil, enforcesDeadline: Bool = true,
        attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>
    ) async throws -> Delivered<Payload> {
        try validate(request)
        var run = try RunState<Payload>(request: request, policy: policy ?? settings.policy, pipeline: self)
        let candidates = run.candidates
        if let hedging = run.policy.hedging, request.isIdempotent, candidates.count > 1, !candidates[1].isLastResort,
           !candidates[1].isStalled, !candidates[1].isEjected {
            if let delivered = try await hedgingPhase(hedging, request: request, run: &run, attempt: attempt, enforcesDeadline: enforcesDeadline) {
                return delivered
            }
            run.now = .now
        }
        candidateLoop: for position in 0..<candidates.count {
            let candidate = candidates[position]
            let node = candidate.node
            if position > 0 {
                guard run.switches < run.policy.maxFailoverAttempts else { break }
                if candidate.isLastResort, let budget, !budget.withdraw() {
                    run.budgetExhausted = true
                    break
                }
                run.switches += 1
            }
            var retry = 0
            var staleRetryUsed = false
            while true {
                try Task.checkCancellation()
                guard run.now < run.deadline else { throw run.timeoutError(request) }
                let raw: RawAttempt<Payload>
                if retry == 0, !staleRetryUsed, !run.prefetched.isEmpty, let early = run.prefetched.removeValue(forKey: node.url) {
                    raw = early  // already sent by the hedging phase
                } else {
                    let attemptDeadline = min(run.now + run.policy.timeouts.request, run.deadline)
                    // ``performTracked``, written out: the node's activity counts the attempt while it
                    // runs (stall detection). Calling the helper here, even inlined, put about 0.6 MiB more
                    // in the frames of 1,000 requests in flight (measured with `--memory-worker`).
                    candidate.activity.begin(at: run.now)
                    do {
                        raw = try await perform(
                            attempt, on: node, at: run.now, until: attemptDeadline, enforcesDeadline: enforcesDeadline, request: request,
                            resend: run.attempts.count)
                    } catch {
                        _ = candidate.activity.end(at: .now, spoke: false)
                        throw error
                    }
                    if candidate.activity.end(at: raw.end, spoke: raw.outcome.isSpeech) { reportResumed(node) }
                    if let version = raw.answer?.version { candidate.activity.noteProtocol(version) }
                }
                // A result the hedging phase got ended before the phase did: the clock never goes back.
                run.now = max(run.now, raw.end)
                switch try judge(raw, on: node, retry: retry, staleRetryUsed: &staleRetryUsed, request: request, run: &run) {
                case .delivered(let delivered):
                    return delivered
                case .next(.retrySameNode(let delay, let countsAsRetry)):
                    if delay > .zero {
                        try await Task.sleep(for: delay)
                        run.now = .now
                    }
                    if countsAsRetry { retry += 1 }
                case .next(.nextNode):
                    continue candidateLoop
                }
            }
        }
        if let (response, node) = run.lastRetryableResponse?.value {
            // Every node asked us to come back later (429/408) and we could not wait: say so as they did.
            return run.deliver(response, from: node)
        }
        if ContinuousClock.now >= run.deadline { throw run.timeoutError(request) }
        throw FailoverError(
            .allNodesUnavailable, attempts: run.attempts, nodeCount: run.nodeCount, request: request, budgetExhausted: run.budgetExhausted)
    }

    /// What the loop does after an attempt: hand back the answer, or go on.
    private enum Step<Payload: Sendable> {
        case delivered(Delivered<Payload>)
        case next(Next)
    }

    /// Classifies one attempt, records it against the node, and says what comes next (or throws
    /// the request's error).
    private func judge<Payload: Sendable>(
        _ raw: RawAttempt<Payload>, on node: Node, retry: Int, staleRetryUsed: inout Bool, request: FailoverRequest,
        run: inout RunState<Payload>
    ) throws -> Step<Payload> {
        let outcome = raw.outcome
        let response = raw.answer
        let elapsed = raw.elapsed
        let attempt = Attempt(node: node.index, url: node.url, retry: retry, outcome: outcome, duration: elapsed)
        run.attempts.append(attempt)

        let decision = classifiesByDefault && DefaultErrorClassifier.delivers(outcome)
            ? .deliver
            : classifier.classify(ClassificationContext(
                request: request, outcome: outcome, responseHeaders: response?.headers ?? [:],
                retriesRemaining: max(0, run.policy.retry.maxRetries - retry)))
        let next: Next
        switch decision {
        case .deliver:
            guard let response else {
                // A classifier that delivers a transport failure: nothing to deliver, report it.
                cluster.recordFailure(node: node, outcome: outcome, latency: nil)
                throw FailoverError(.requestFailed, attempts: run.attempts, nodeCount: run.nodeCount, request: request)
            }
            run.recordDelivered(node: node, latency: elapsed)
            return .delivered(run.deliver(response, from: node, at: run.now))
        case .fail:
            cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
            throw FailoverError(.requestFailed, attempts: run.attempts, nodeCount: run.nodeCount, request: request)
        case .retry(let after):
            if isNodeFailure(outcome) {
                cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
            } else if let response {
                run.lastRetryableResponse = Box((response, node))
            }
            next = retryOrMoveOn(retry: retry, after: after, now: run.now, deadline: run.deadline, policy: run.policy)
        case .failover:
            if retry == 0, !staleRetryUsed, case .failure(let failure) = outcome, failure.kind == .connectionClosed {
                // A pooled connection the node had closed says nothing about the node: try a
                // fresh connection once, at once, before judging it.
                staleRetryUsed = true
                next = .retrySameNode(after: .zero, countsAsRetry: false)
            } else if outcome.isUnprocessedRefusal {
                // An HTTP/2 node that refused the stream unprocessed says nothing against its
                // health: send it again at once, on a new stream or connection of the same node
                // (within the budget), then on the next node.
                if !staleRetryUsed, budget?.withdraw() ?? true {
                    staleRetryUsed = true
                    next = .retrySameNode(after: .zero, countsAsRetry: false)
                } else {
                    next = .nextNode
                }
            } else if let response, response.status == 408 || response.status == 429 {
                // "Come back later" says nothing against the node: keep the answer in case
                // every node says the same, and try the next one.
                run.lastRetryableResponse = Box((response, node))
                next = .nextNode
            } else {
                cluster.recordFailure(node: node, outcome: outcome, latency: elapsed)
                next = .nextNode
            }
        }

        cluster.broadcaster.yield([.attemptFailed(attempt)])
        logAttemptFailed(attempt, count: run.attempts.count)
        guard request.mayResend(after: outcome) else {
            if let response {
                // The node answered; the answer is the caller's to judge, not ours to repeat.
                return .delivered(run.deliver(response, from: node))
            }
            let error = FailoverError(.notResent, attempts: run.attempts, nodeCount: run.nodeCount, request: request)
            logger.notice("\(error.message(in: .current))", metadata: ["failover.node": "\(node.index)", "failover.outcome": "\(outcome.identifier)"])
            throw error
        }
        if case .retrySameNode(let delay, _) = next {
            let event = FailoverEvent.retrying(node: node.index, retry: retry + 1, delay: delay)
            cluster.broadcaster.yield([event])
            logger.debug("\(event)", metadata: ["failover.node": "\(node.index)", "failover.delayMs": "\(delay.wholeMilliseconds)"])
        }
        return .next(next)
    }

    /// Sends to the first two candidates with a hedge (see ``hedge(_:first:second:delay:until:request:enforcesDeadline:)``):
    /// returns the winner's answer, or leaves the results for the loop in `run.prefetched`.
    @inline(never)
    private func hedgingPhase<Payload: Sendable>(
        _ hedging: FailoverClient.Configuration.Hedging, request: FailoverRequest, run: inout RunState<Payload>,
        attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>, enforcesDeadline: Bool
    ) async throws -> Delivered<Payload>? {
        let first = run.candidates[0], second = run.candidates[1]
        let attemptDeadline = min(run.start + run.policy.timeouts.request, run.deadline)
        switch try await hedge(
            attempt, first: first, second: second, delay: hedgeDelay(hedging, node: first.node), until: attemptDeadline, request: request,
            enforcesDeadline: enforcesDeadline
        ) {
        case .won(let node, let winner, let others):
            for (loser, result) in others {
                let failed = Attempt(node: loser.index, url: loser.url, retry: 0, outcome: result.outcome, duration: result.elapsed)
                run.attempts.append(failed)
                cluster.recordFailure(node: loser, outcome: result.outcome, latency: result.elapsed)
                cluster.broadcaster.yield([.attemptFailed(failed)])
            }
            run.attempts.append(Attempt(node: node.index, url: node.url, retry: 0, outcome: winner.outcome, duration: winner.elapsed))
            run.recordDelivered(node: node, latency: winner.elapsed)
            if node.url != first.node.url, !others.contains(where: { $0.0.url == first.node.url }) {
                // The first node's attempt was cancelled unanswered: it took at least this long, which
                // the latency-based balancers must see (else a slow node hedged away looks fast).
                cluster.noteSlowness(node: first.node, atLeast: run.start.duration(to: winner.end))
            }
            guard let answer = winner.answer else { throw CancellationError() }
            return run.deliver(answer, from: node)
        case .results(let results):
            run.prefetched = results
            return nil
        }
    }

    /// ``perform(_:on:at:until:enforcesDeadline:)``, counted by the node's activity while it runs
    /// (stall detection): the hedging phase's attempts. The main loop writes the same lines out.
    func performTracked<Payload: Sendable>(
        _ attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>,
        on candidate: ClusterState.Candidate, until deadline: ContinuousClock.Instant, enforcesDeadline: Bool, request: FailoverRequest,
        resend: Int
    ) async throws -> RawAttempt<Payload> {
        let start = ContinuousClock.now
        candidate.activity.begin(at: start)
        let raw: RawAttempt<Payload>
        do {
            raw = try await perform(
                attempt, on: candidate.node, at: start, until: deadline, enforcesDeadline: enforcesDeadline, request: request, resend: resend)
        } catch {
            _ = candidate.activity.end(at: .now, spoke: false)
            throw error
        }
        if candidate.activity.end(at: raw.end, spoke: raw.outcome.isSpeech) { reportResumed(candidate.node) }
        if let version = raw.answer?.version { candidate.activity.noteProtocol(version) }
        return raw
    }

    /// Sends one attempt within its deadline; every failure becomes an outcome (only cancellation throws).
    ///
    /// - Parameter start: When the attempt starts, if the caller has just read the clock.
    @inline(never)
    func perform<Payload: Sendable>(
        _ attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>,
        on node: Node, at start: ContinuousClock.Instant = .now, until deadline: ContinuousClock.Instant, enforcesDeadline: Bool,
        request: FailoverRequest, resend: Int
    ) async throws -> RawAttempt<Payload> {
        if let tracing {
            return try await tracing.attempt(node: node, request: request, resend: resend) {
                try await performUntraced(attempt, on: node, at: start, until: deadline, enforcesDeadline: enforcesDeadline)
            }
        }
        return try await performUntraced(attempt, on: node, at: start, until: deadline, enforcesDeadline: enforcesDeadline)
    }

    /// ``perform(_:on:at:until:enforcesDeadline:request:resend:)`` without a span.
    private func performUntraced<Payload: Sendable>(
        _ attempt: @escaping @Sendable (Node, ContinuousClock.Instant) async throws -> AttemptAnswer<Payload>,
        on node: Node, at start: ContinuousClock.Instant, until deadline: ContinuousClock.Instant, enforcesDeadline: Bool
    ) async throws -> RawAttempt<Payload> {
        let outcome: AttemptOutcome, answer: AttemptAnswer<Payload>?
        do {
            let answered = enforcesDeadline
                ? try await withAttemptDeadline(deadline) { try await attempt(node, deadline) }
                : try await attempt(node, deadline)
            (outcome, answer) = (.response(status: answered.status), answered)
        } catch let failure as TransportFailure {
            (outcome, answer) = (.failure(failure), nil)
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            (outcome, answer) = (.failure(TransportFailure(.other, detail: String(describing: error))), nil)
        }
        let end = ContinuousClock.now
        return RawAttempt(outcome: outcome, answer: answer, elapsed: start.duration(to: end), end: end)
    }

    /// Logs a failed attempt at `info`; its technical detail (the raw error of the library below)
    /// goes to the `debug` level only.
    @inline(never)
    private func logAttemptFailed(_ attempt: Attempt, count: Int) {
        var metadata: Logger.Metadata = [
            "failover.node": "\(attempt.node)", "failover.attempt": "\(count)", "failover.outcome": "\(attempt.outcome.identifier)",
        ]
        if case .failure(let failure) = attempt.outcome, let reason = failure.tlsReason { metadata["failover.tlsReason"] = "\(reason.rawValue)" }
        logger.info("\(FailoverEvent.attemptFailed(attempt))", metadata: metadata)
        if logger.logLevel <= .debug, !attempt.outcome.detail.isEmpty {
            metadata["failover.detail"] = "\(attempt.outcome.detail)"
            logger.debug("\(FailoverEvent.attemptFailed(attempt))", metadata: metadata)
        }
    }

    /// A stalled node ended an attempt: it takes its place back.
    @inline(never)
    func reportResumed(_ node: Node) {
        let event = FailoverEvent.nodeResumed(node: node.index, url: node.url)
        cluster.broadcaster.yield([event])
        logger.info("\(event)", metadata: ["failover.node": "\(node.index)"])
    }

    /// A failure or a 5xx counts against the node's health; a 408, a 429 or an HTTP/2 refusal does not.
    private func isNodeFailure(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .failure: !outcome.isUnprocessedRefusal
        case .response(let status): status >= 500
        }
    }

    private func retryOrMoveOn(
        retry: Int, after: Duration?, now: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        policy configuration: RequestPolicy
    ) -> Next {
        guard retry < configuration.retry.maxRetries else { return .nextNode }
        let backoff = Backoff(base: configuration.retry.baseDelay, cap: configuration.retry.maxDelay)
        let delay = after ?? backoff.delay(forRetry: retry)
        // A wait that would pass the deadline is not a retry worth making.
        guard now + delay < deadline else { return .nextNode }
        if let budget, !budget.withdraw() { return .nextNode }
        return .retrySameNode(after: delay)
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

/// The state of one request through the pipeline: what it started from and every attempt so far.
///
/// The request itself is not kept here (the caller has it): every byte of this state is in the frame
/// of every request in flight.
private struct RunState<Payload: Sendable> {
    let policy: RequestPolicy
    let start: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    /// The clock as last read: at the start, then at the end of each attempt or wait.
    var now: ContinuousClock.Instant
    /// The nodes to try, in order (a balancing policy's first choice, then the others).
    let candidates: ClusterState.Selection
    let cluster: ClusterState
    /// How many nodes the cluster has (for errors only: read when one is made).
    var nodeCount: Int { cluster.nodeCount }
    var attempts: [Attempt] = []
    var switches = 0
    var budgetExhausted = false
    /// Boxed: rarely set, and its ~160 bytes would otherwise be in the frame of every request in flight.
    var lastRetryableResponse: Box<(AttemptAnswer<Payload>, Node)>?
    /// Results the hedging phase got and did not deliver: the first attempts of their nodes.
    var prefetched: [NodeURL: RawAttempt<Payload>] = [:]

    init(request: FailoverRequest, policy: RequestPolicy, pipeline: borrowing RequestPipeline) throws(FailoverError) {
        self.policy = policy
        start = ContinuousClock.now
        now = start
        deadline = start + policy.timeouts.total
        pipeline.budget?.deposit()
        let selection = pipeline.cluster.candidates(at: start, rule: policy.stallRule)
        candidates = selection
        cluster = pipeline.cluster
        if !selection.reported.isEmpty { Self.log(selection.reported, to: pipeline.logger) }
        guard candidates.count > 0 else { throw FailoverError(.noEnabledNode, nodeCount: nodeCount, request: request) }
    }

    @inline(never)
    private static func log(_ stalls: [FailoverEvent], to logger: Logger) {
        for event in stalls {
            guard case .nodeStalled(let node, _, let silence, let outstanding) = event else { continue }
            logger.info("\(event)", metadata: [
                "failover.node": "\(node)", "failover.silenceMs": "\(silence.wholeMilliseconds)", "failover.outstanding": "\(outstanding)",
            ])
        }
    }

    /// Records the answer the request delivers (see ``ClusterState/recordDelivered(node:latency:ifCurrentIs:avoidedStall:)``).
    func recordDelivered(node: Node, latency: Duration) {
        // The current node when the request started (a late answer may not switch back), and whether
        // a stall moved the request elsewhere (a stall switches nothing): both kept by the selection.
        cluster.recordDelivered(node: node, latency: latency, ifCurrentIs: candidates.current, avoidedStall: candidates.avoidedStall)
    }

    func deliver(_ answer: AttemptAnswer<Payload>, from node: Node, at end: ContinuousClock.Instant = .now) -> Delivered<Payload> {
        Delivered(answer: answer, node: node, attempts: attempts, duration: start.duration(to: end))
    }

    func timeoutError(_ request: FailoverRequest) -> FailoverError {
        FailoverError(.timeout, attempts: attempts, nodeCount: nodeCount, request: request,
                      deadlineMilliseconds: policy.timeouts.total.wholeMilliseconds)
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
    private let value = LockedValue(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// A value kept behind a reference.
final class Box<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}
