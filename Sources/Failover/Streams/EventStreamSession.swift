import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OpenAPIRuntime
import Locking

/// The engine behind ``ServerSentEvents``: connects through the failover order, reads events with
/// an idle watchdog, and resumes elsewhere with `Last-Event-ID` when a node fails.
struct EventStreamSession: Sendable {
    let path: String
    let headers: HTTPHeaders
    let options: EventStreamOptions
    let settings: ClientSettings
    let transport: any Transport
    let classifier: any ErrorClassifier
    let cluster: ClusterState
    let logger: Logger

    /// Why a connection that had started ended.
    private enum Ending: Error {
        /// The node closed the stream normally: reconnect (the same node may serve again).
        case closedByServer
    }

    func run(into continuation: AsyncThrowingStream<ServerSentEvent, any Error>.Continuation) async {
        var lastEventID = options.lastEventID
        var retryDelay = options.defaultRetry
        var avoid: NodeURL?
        var failedRounds = 0
        var attempts: [Attempt] = []
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let configuration = settings.configuration
            let selection = cluster.candidates(at: clock.now, stallDetection: configuration.stallDetection)
            let current = selection.current
            // A balancing policy's first choice: the stream starts there and stays until it fails.
            var order = (0..<selection.count).map { selection[$0].node }
            if let avoid, order.count > 1, let position = order.firstIndex(where: { $0.url == avoid }) {
                order.append(order.remove(at: position))
            }
            var streamed = false
            for node in order {
                var requestHeaders = headers
                requestHeaders.replaceOrAdd(name: "Accept", value: "text/event-stream")
                requestHeaders.replaceOrAdd(name: "Cache-Control", value: "no-cache")
                if let lastEventID { requestHeaders.replaceOrAdd(name: "Last-Event-ID", value: lastEventID) }
                let request = TransportRequest(
                    url: node.url.url(for: path), method: .GET, headers: requestHeaders, body: nil,
                    maxResponseBodySize: configuration.maxResponseBodySize)
                let start = clock.now
                let response: StreamingResponse
                do {
                    response = try await transport.openStream(request, headDeadline: start + configuration.timeouts.request)
                } catch let failure as TransportFailure {
                    attempts.append(Attempt(node: node.index, url: node.url, retry: 0, outcome: .failure(failure), duration: start.duration(to: clock.now)))
                    cluster.recordFailure(node: node, outcome: .failure(failure), latency: nil)
                    continue
                } catch {
                    continuation.finish(throwing: Task.isCancelled ? CancellationError() : error)
                    return
                }
                let outcome = AttemptOutcome.response(status: response.status)
                let elapsed = start.duration(to: clock.now)
                attempts.append(Attempt(node: node.index, url: node.url, retry: 0, outcome: outcome, duration: elapsed))
                let decision = classifier.classify(ClassificationContext(
                    request: FailoverRequest(method: .GET, path: path, headers: requestHeaders), outcome: outcome,
                    responseHeaders: response.headers, retriesRemaining: 0))
                if response.status == 204 {
                    cluster.recordSuccess(node: node, latency: elapsed)
                    continuation.finish()
                    return
                }
                guard decision == .deliver, (200..<300).contains(response.status) else {
                    if decision == .deliver || decision == .fail {
                        cluster.recordSuccess(node: node, latency: elapsed)
                        continuation.finish(throwing: FailoverError(
                            .streamRejected, attempts: attempts, nodeCount: cluster.nodeCount,
                            request: FailoverRequest(method: .GET, path: path)))
                        return
                    }
                    if response.status >= 500 { cluster.recordFailure(node: node, outcome: outcome, latency: elapsed) }
                    continue
                }
                cluster.recordDelivered(node: node, latency: elapsed, ifCurrentIs: current, avoidedStall: selection.avoidedStall)
                streamed = true
                attempts = []
                failedRounds = 0
                do {
                    try await read(response.body, from: node, lastEventID: &lastEventID, retryDelay: &retryDelay, into: continuation)
                    avoid = nil
                } catch is CancellationError {
                    continuation.finish(throwing: CancellationError())
                    return
                } catch {
                    guard !Task.isCancelled else {
                        continuation.finish(throwing: CancellationError())
                        return
                    }
                    let failure = (error as? TransportFailure) ?? TransportFailure(classifying: error)
                    cluster.recordFailure(node: node, outcome: .failure(failure), latency: nil)
                    logger.info("\(FailoverEvent.attemptFailed(Attempt(node: node.index, url: node.url, retry: 0, outcome: .failure(failure), duration: .zero)))")
                    avoid = node.url
                }
                break
            }
            if !streamed {
                failedRounds += 1
                if failedRounds >= 2 {
                    continuation.finish(throwing: FailoverError(
                        .allNodesUnavailable, attempts: attempts, nodeCount: cluster.nodeCount,
                        request: FailoverRequest(method: .GET, path: path)))
                    return
                }
            }
            let jittered = retryDelay * Double.random(in: 0.8...1.2)
            do { try await Task.sleep(for: jittered) } catch {
                continuation.finish(throwing: CancellationError())
                return
            }
        }
        continuation.finish(throwing: CancellationError())
    }

    /// Reads one connection's events until the node closes the stream (returns) or fails or goes
    /// silent for the idle timeout (throws).
    private func read(
        _ body: any AsyncSequence<ByteBuffer, any Error> & Sendable, from node: Node, lastEventID: inout String?,
        retryDelay: inout Duration, into continuation: AsyncThrowingStream<ServerSentEvent, any Error>.Continuation
    ) async throws {
        let (bytes, feed) = AsyncThrowingStream<ArraySlice<UInt8>, any Error>.makeStream()
        let lastActivity = ActivityClock()
        let idleTimeout = options.idleTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await chunk in body {
                        lastActivity.touch()
                        feed.yield(ArraySlice(chunk.readableBytesView))
                    }
                    feed.finish()
                } catch {
                    feed.finish(throwing: error)
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: idleTimeout / 4)
                    let idle = lastActivity.idle
                    if idle >= idleTimeout {
                        feed.finish(throwing: TransportFailure(.timeout, detail: "no event nor heartbeat for \(idle)"))
                        return
                    }
                }
            }
            defer { group.cancelAll() }
            for try await event in bytes.asDecodedServerSentEvents() {
                if let id = event.id { lastEventID = id }
                let retry = event.retry.map { Duration.milliseconds($0) }
                if let retry { retryDelay = retry }
                guard event.data != nil || event.event != nil || event.id != nil else { continue }
                continuation.yield(ServerSentEvent(
                    id: event.id, event: event.event, data: event.data, retry: retry, node: node.index, url: node.url))
            }
        }
    }
}

/// When bytes last arrived on a stream, for the idle watchdog.
private final class ActivityClock: Sendable {
    private let last = LockedValue(ContinuousClock.now)

    func touch() { last.withLock { $0 = .now } }

    var idle: Duration { last.withLock { $0 }.duration(to: .now) }
}
