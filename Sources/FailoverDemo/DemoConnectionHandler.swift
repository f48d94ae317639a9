import NIOCore
import NIOHTTP1

/// Serves one connection of a demo node: reads requests (keep-alive, bodies
/// sized or chunked), admits them into the shared state, and answers each in
/// turn, normally or with the fault it drew.
///
/// Requests that arrive while an earlier one is still being answered wait in
/// a queue, so pipelined requests are answered in order. Responses are written
/// as raw bytes (see ``DemoWire``), never through `HTTPResponseEncoder`.
final class DemoConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// The largest request body a node reads; a larger one gets a 413 and the
    /// connection is closed.
    static let maxRequestBody = 16 * 1024 * 1024

    /// One complete request waiting for its answer.
    struct Pending {
        var record: DemoRequestRecord
        var admission: DemoNodeState.Admission
        var keepAlive: Bool
    }

    /// A body being streamed for ``DemoFault/oversizedBody(_:)``.
    struct Stream {
        var remaining: Int
        var keepAlive: Bool
    }

    let state: DemoNodeState
    let router: DemoRouter
    /// This connection's number, from the shared state.
    var connection = 0
    /// The head of the request being read.
    var head: HTTPRequestHead?
    /// The body of the request being read.
    var body: [UInt8] = []
    /// Whether the body of the request being read went past ``maxRequestBody``.
    var bodyTooLarge = false
    /// Complete requests not answered yet, oldest first.
    var queue: [Pending] = []
    /// Whether a request is being answered now.
    var busy = false
    /// Whether the connection hangs, resets or closes: no more answers.
    var stopped = false
    /// Whether the channel went inactive.
    var closed = false
    /// A delayed answer, cancelled if the connection closes first.
    var scheduled: Scheduled<Void>?
    /// The body being streamed, if any.
    var stream: Stream?
    /// Whether ``pump(context:)`` is running (it must not nest).
    var pumping = false
    /// The event stream being sent, if any (`/api/events`).
    var events: DemoEventStream?
    /// The timer of the event stream.
    var eventTimer: Scheduled<Void>?

    /// Whether this handler registers its channel as a connection of the node (not for an HTTP/2
    /// stream, whose connection is registered when HTTP/2 is set up on it).
    let registersConnection: Bool
    /// Whether the channel was registered (on activation, or when added to an active channel:
    /// after a TLS handshake and ALPN, the channel is active before this handler is added).
    var registered = false

    init(state: DemoNodeState, router: DemoRouter, registersConnection: Bool = true) {
        self.state = state
        self.router = router
        self.registersConnection = registersConnection
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.register(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.register(context: context)
        context.fireChannelActive()
    }

    private func register(context: ChannelHandlerContext) {
        guard !self.registered, self.registersConnection else { return }
        self.registered = true
        guard let number = self.state.register(context.channel) else {
            self.stopped = true
            context.close(promise: nil)
            return
        }
        self.connection = number
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        self.stopped = true
        self.queue = []
        self.stream = nil
        self.scheduled?.cancel()
        self.scheduled = nil
        self.eventTimer?.cancel()
        self.eventTimer = nil
        if self.registersConnection { self.state.unregister(context.channel) }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.pump(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request NIO could not parse: answer 400 once, then close.
        guard !self.stopped, error is HTTPParserError else {
            self.stopped = true
            context.close(promise: nil)
            return
        }
        self.stopped = true
        let response = DemoResponse.json(400, DemoJSON.object(["error": .string("bad request")]))
        self.write(response, keepAlive: false, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
            self.bodyTooLarge = false
        case .body(var buffer):
            if self.body.count + buffer.readableBytes > Self.maxRequestBody {
                self.bodyTooLarge = true
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                self.body += bytes
            }
        case .end:
            guard let head = self.head, !self.stopped else { return }
            self.head = nil
            if self.bodyTooLarge {
                self.stopped = true
                let response = DemoResponse.json(413, DemoJSON.object(["error": .string("request body too large")]))
                self.write(response, keepAlive: false, context: context)
                return
            }
            let record = DemoRequestRecord(
                method: head.method.rawValue,
                target: head.uri,
                headers: head.headers.map { DemoHeader(name: $0.name, value: $0.value) },
                body: self.body,
                connection: self.connection
            )
            self.body = []
            let admission = self.state.admit(record, on: context.channel)
            self.queue.append(Pending(record: record, admission: admission, keepAlive: head.isKeepAlive))
            self.answerNext(context: context)
        }
    }

    // MARK: Answering

    /// Answers the oldest waiting request, unless one is being answered.
    func answerNext(context: ChannelHandlerContext) {
        guard !self.busy, !self.stopped, !self.queue.isEmpty else { return }
        self.busy = true
        let pending = self.queue.removeFirst()
        switch pending.admission.fault {
        case .none:
            self.answerNormally(pending, context: context)
        case .silentStream:
            if pending.record.path == DemoEventStream.path, pending.record.method == "GET" {
                self.startEvents(pending, silent: true, context: context)
            } else {
                self.answerNormally(pending, context: context)
            }
        case .delay(let duration):
            self.after(TimeAmount(duration), context: context) { handler in
                handler.answerNormally(pending, context: context)
            }
        case .status(let status, let headers, let body):
            let response = DemoResponse.injected(status, headers: headers, body: body)
            self.write(response, keepAlive: pending.keepAlive, context: context)
        case .statusAfter(let status, let delay):
            self.after(TimeAmount(delay), context: context) { handler in
                handler.write(DemoResponse.injected(status, headers: [:], body: nil), keepAlive: pending.keepAlive, context: context)
            }
        case .flaky:
            // Resolved when admitted (``DemoNodeState/admit(_:on:)``): never reaches here.
            self.answerNormally(pending, context: context)
        case .hangBeforeHeaders:
            self.stop()
        case .hangMidBody:
            self.stop()
            self.writePartialBody(context: context)
        case .slowBody(let interval):
            self.stop()
            self.startSlowBody(every: TimeAmount(interval), context: context)
        case .resetMidBody:
            self.stop()
            self.writePartialBody(context: context).assumeIsolated().whenComplete { _ in
                self.after(.milliseconds(50), context: context) { handler in
                    handler.reset(context: context)
                }
            }
        case .oversizedBody(let size):
            self.startStream(size: max(0, size), keepAlive: pending.keepAlive, context: context)
        case .malformed:
            self.stop()
            self.send(DemoWire.malformed, context: context).assumeIsolated().whenComplete { _ in
                self.close(context: context)
            }
        case .refuse, .resetBeforeHeaders:
            self.stop()
            self.reset(context: context)
        }
    }

    /// Routes the request and writes the answer, after the route's wait.
    func answerNormally(_ pending: Pending, context: ChannelHandlerContext) {
        if pending.record.path == DemoEventStream.path, pending.record.method == "GET" {
            self.startEvents(pending, silent: false, context: context)
            return
        }
        let port = context.channel.localAddress?.port ?? 0
        let route = self.router.route(pending.record, port: port, requestCount: pending.admission.requestCount)
        if route.waitMilliseconds > 0 {
            self.after(.milliseconds(Int64(route.waitMilliseconds)), context: context) { handler in
                handler.write(route.response, keepAlive: pending.keepAlive, context: context)
            }
        } else {
            self.write(route.response, keepAlive: pending.keepAlive, context: context)
        }
    }

    /// Writes a whole response, then goes on with the next request or closes.
    func write(_ response: DemoResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        let bytes = DemoWire.response(response, keepAlive: keepAlive, node: self.state.name)
        self.send(bytes, context: context).assumeIsolated().whenComplete { _ in
            self.finished(keepAlive: keepAlive, context: context)
        }
    }

    /// Called when a response is fully written.
    func finished(keepAlive: Bool, context: ChannelHandlerContext) {
        guard !self.closed else { return }
        if keepAlive && !self.stopped {
            self.busy = false
            self.answerNext(context: context)
        } else {
            self.close(context: context)
        }
    }

    /// Stops answering on this connection (hang, reset or close ahead).
    func stop() {
        self.stopped = true
        self.queue = []
    }

    /// Writes and flushes bytes.
    @discardableResult
    func send(_ bytes: [UInt8], context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return context.writeAndFlush(self.wrapOutboundOut(buffer))
    }

    /// Closes the connection (FIN), unless it is already closed.
    func close(context: ChannelHandlerContext) {
        guard !self.closed else { return }
        context.close(promise: nil)
    }

    /// Runs `body` on the event loop after `delay`, unless the connection closes first.
    func after(
        _ delay: TimeAmount,
        context: ChannelHandlerContext,
        _ body: @escaping (DemoConnectionHandler) -> Void
    ) {
        self.scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.scheduled = nil
            guard !self.closed else { return }
            body(self)
        }
    }
}
