public import Failover
public import Hummingbird
import HTTPTypes
import Foundation
import NIOCore
import OrderedJSON
import Synchronization
import Locking

/// The live dashboard of a ``FailoverClient``: a page, its Server-Sent Events, the nodes' JSON, the
/// Prometheus text and the admin actions, as routes of a Hummingbird router.
///
/// Mount it in an app's own server with ``addRoutes(to:)``, or serve it alone with
/// ``DashboardServer``. It uses the client's public API only (``FailoverClient/status()``,
/// ``FailoverClient/enable(node:)``, ``FailoverClient/checkNode(_:)``...), as an app would.
///
/// | route | what |
/// |---|---|
/// | `GET /` | the page, in the language of `?lang=` or `Accept-Language` |
/// | `GET /events` | Server-Sent Events: `status` at once, within 100 ms of every client event and every second; `event` for each client event (with `id`, so a reconnecting browser resumes after `Last-Event-ID`) |
/// | `GET /nodes` | the JSON of the REPL's `nodes --json` |
/// | `GET /metrics` | the Prometheus text (with an exporter) |
/// | `POST /nodes/N/enable`, `/disable`, `/check`, `/priority` (body: the number) | actions, with `Authorization: Bearer TOKEN` |
/// | `POST /check` | checks every node, with the token |
///
/// Reads need no token (like a Prometheus endpoint); every action does, compared in constant time,
/// and without it the answer is 401 and nothing changes. Nothing the dashboard shows carries a
/// secret: node URLs are configured without credentials, and events and attempts carry outcomes,
/// never headers.
public final class Dashboard: Sendable {
    /// The client shown and acted on.
    public let client: FailoverClient
    /// Where `/metrics` comes from; `nil` answers 404 there.
    public let exporter: PrometheusExporter?
    /// The latest events, shown on the page and replayed to a new `/events` stream.
    public let history: EventHistory
    /// The language when a request asks for none.
    public let defaultLanguage: Language
    private let token: [UInt8]
    private let feeds = LockedValue<(next: Int, tasks: [Int: Task<Void, Never>])>((0, [:]))
    /// The latency of each node (by URL) sampled every second, the last minute, for the page's charts.
    private let latencies = LockedValue<[String: [Duration?]]>([:])
    private let sampler = LockedValue<Task<Void, Never>?>(nil)
    private let closed = Atomic(false)

    /// How many past events a new `/events` stream starts with.
    static let replayedEvents = 50
    /// How often a feed looks for new events (so an event reaches the page within this).
    static let feedTick = Duration.milliseconds(100)
    /// How often a feed sends the status when no event came (uptime, last check, latency).
    public let statusInterval: Duration

    /// Creates a dashboard.
    ///
    /// - Parameters:
    ///   - client: The client to show and act on.
    ///   - token: The token every action needs (`Authorization: Bearer TOKEN`); see ``DashboardToken``.
    ///   - exporter: The Prometheus exporter of `/metrics`, made before the client so the client's
    ///     metrics land in it; `nil` for none.
    ///   - history: The events to show; a new history of `client` when omitted (it records from now on).
    ///   - defaultLanguage: The language when a request asks for none.
    ///   - statusInterval: How often `/events` sends the status when no event came (one second by default).
    public init(
        client: FailoverClient, token: String, exporter: PrometheusExporter? = nil, history: EventHistory? = nil,
        defaultLanguage: Language = .current, statusInterval: Duration = .seconds(1)
    ) {
        self.statusInterval = statusInterval
        self.client = client
        self.token = Array(token.utf8)
        self.exporter = exporter
        self.history = history ?? EventHistory(client: client)
        self.defaultLanguage = defaultLanguage
        let task = Task { [weak self] in
            while let interval = self?.statusInterval {
                self?.sampleLatencies()
                do { try await Task.sleep(for: min(interval, .seconds(1))) } catch { return }
            }
        }
        sampler.withLock { $0 = task }
    }

    /// How many latency samples the charts show.
    static let latencySamples = 60

    private func sampleLatencies() {
        let nodes = client.status().nodes
        latencies.withLock { latencies in
            var next: [String: [Duration?]] = [:]
            for node in nodes {
                let key = node.url.description
                next[key] = Array(((latencies[key] ?? []) + [node.metrics.latencyEWMA]).suffix(Self.latencySamples))
            }
            latencies = next
        }
    }

    /// Adds the dashboard's routes to a router or a group (`router.group("admin")` mounts it under `/admin/`).
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("/") { [self] request, _ in page(request) }
        router.get("/events") { [self] request, _ in events(request) }
        router.get("/nodes") { [self] request, _ in json(.ok, nodes(language(request))) }
        router.get("/metrics") { [self] request, _ in metrics(request) }
        router.post("/check") { [self] request, _ in
            try await authorized(request) { language in await checkAll(language) }
        }
        for action in Action.allCases {
            router.post(RouterPath("/nodes/:index/\(action.rawValue)")) { [self] request, context in
                let index = context.parameters.get("index") ?? ""
                var request = request
                let body = try await request.collectBody(upTo: 256)
                return try await authorized(request) { language in
                    await act(action, index: index, body: String(buffer: body), language: language)
                }
            }
        }
    }

    /// Ends every `/events` stream (the server can then stop without waiting for them).
    public func close() {
        closed.store(true, ordering: .releasing)
        sampler.withLock { $0?.cancel() }
        let tasks = feeds.withLock { feeds in
            defer { feeds.tasks = [:] }
            return Array(feeds.tasks.values)
        }
        for task in tasks { task.cancel() }
    }

    // MARK: Reads

    /// The language of a request: `?lang=`, else `Accept-Language`, else the default.
    func language(_ request: Request) -> Language {
        if let asked = request.uri.queryParameters.get("lang"), let language = Language(tag: asked) { return language }
        if let header = request.headers[.acceptLanguage], let language = Language.preferred(acceptLanguage: header) { return language }
        return defaultLanguage
    }

    private func page(_ request: Request) -> Response {
        let language = language(request)
        let nonce = Self.randomToken(bytes: 16)
        let html = DashboardPage.html(language: language, status: status(language), nonce: nonce)
        var response = Response(status: .ok, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        response.headers[.contentLanguage] = language.rawValue
        response.headers[.vary] = "Accept-Language"
        return response
    }

    /// The object of `nodes --json`.
    func nodes(_ language: Language) -> JSONValue {
        .object([("command", .string("nodes"))] + StatusJSON.fields(client.status(), language: language))
    }

    /// The status as the page shows it: the fields of `nodes --json`, the words to display, and
    /// each node's `latencyHistory` (milliseconds, a sample a second, oldest first).
    func status(_ language: Language) -> JSONValue {
        let status = client.status()
        let history = latencies.withLock { $0 }
        return .object([
            ("current", .integer(status.current)), ("loadBalancing", .string(status.loadBalancing.rawValue)),
            ("nodes", .array(status.nodes.map { node in
                let samples = history[node.url.description] ?? []
                return StatusJSON.node(node, language: language, texts: true)
                    .adding("latencyHistory", .array(samples.map { $0.map(JSONValue.milliseconds) ?? .null }))
            })),
        ])
    }

    private func metrics(_ request: Request) -> Response {
        guard let exporter else {
            return json(.notFound, Self.error("noMetrics", localized(.dashboardErrorNoMetrics, language: language(request))))
        }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: exporter.render(client))))
        response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Server-Sent Events

    private func events(_ request: Request) -> Response {
        let language = language(request)
        let resumeAfter = request.headers[Self.lastEventID].flatMap { Int($0) }
        var response = Response(status: .ok, headers: Self.securityHeaders, body: .init(asyncSequence: feed(language: language, after: resumeAfter)))
        response.headers[.contentType] = "text/event-stream; charset=utf-8"
        return response
    }

    /// One browser's stream: `retry`, the status and the latest events, then new events and the
    /// status as they come. Ends when the browser goes, or at ``close()``.
    func feed(language: Language, after lastEventID: Int?) -> AsyncStream<ByteBuffer> {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(512))
        guard !closed.load(ordering: .acquiring) else {
            continuation.finish()
            return stream
        }
        let id = feeds.withLock { feeds in
            defer { feeds.next += 1 }
            return feeds.next
        }
        let task = Task { [self] in
            continuation.yield(ByteBuffer(string: "retry: 1000\n\n"))
            var next = lastEventID.map { $0 + 1 } ?? max(0, history.count - Self.replayedEvents)
            var sinceStatus = ContinuousClock.now
            continuation.yield(frame("status", status(language)))
            while !Task.isCancelled {
                let new = history.events(since: next)
                for recorded in new {
                    continuation.yield(frame("event", StatusJSON.event(recorded, language: language), id: recorded.sequence))
                    next = recorded.sequence + 1
                }
                if !new.isEmpty || ContinuousClock.now - sinceStatus >= statusInterval {
                    continuation.yield(frame("status", status(language)))
                    sinceStatus = .now
                }
                do { try await Task.sleep(for: Self.feedTick) } catch { break }
            }
            continuation.finish()
        }
        feeds.withLock { $0.tasks[id] = task }
        continuation.onTermination = { [weak self] _ in
            task.cancel()
            _ = self?.feeds.withLock { $0.tasks.removeValue(forKey: id) }
        }
        return stream
    }

    private func frame(_ event: String, _ data: JSONValue, id: Int? = nil) -> ByteBuffer {
        var text = id.map { "id: \($0)\n" } ?? ""
        text += "event: \(event)\ndata: \(data.serialized())\n\n"
        return ByteBuffer(string: text)
    }

    // MARK: Actions

    /// Runs `action` when the request carries the token; 401 and nothing done otherwise.
    private func authorized(_ request: Request, _ action: (Language) async -> Response) async throws -> Response {
        let language = language(request)
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer ",
              Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        else {
            var response = json(.unauthorized, Self.error("unauthorized", localized(.dashboardUnauthorized, language: language)))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"failover\""
            return response
        }
        return await action(language)
    }

    /// The actions on one node.
    enum Action: String, CaseIterable {
        case enable, disable, check, priority
    }

    private func act(_ action: Action, index text: String, body: String, language: Language) async -> Response {
        guard let index = Int(text), index >= 0 else {
            return json(.notFound, Self.error("invalidNode", localized(.dashboardErrorInvalidNode, text, language: language)))
        }
        do throws(FailoverError) {
            switch action {
            case .enable:
                try client.enable(node: index)
                return done(localized(.replEnabled, index, language: language))
            case .disable:
                try client.disable(node: index)
                return done(localized(.replDisabled, index, language: language))
            case .check:
                let result = try await client.checkNode(index)
                return json(.ok, .object([("ok", .bool(true)), ("healthy", .bool(result.healthy)), ("message", .string(result.message(in: language)))]))
            case .priority:
                let value = body.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let priority = Int(value), (0...1_000_000).contains(priority) else {
                    return json(.badRequest, Self.error("invalidPriority", localized(.dashboardErrorInvalidPriority, String(value.prefix(40)), language: language)))
                }
                try client.setPriority(priority, node: index)
                return done(localized(.replPrioritySet, index, priority, language: language))
            }
        } catch {
            let status: HTTPResponse.Status = error.code == .invalidNode ? .notFound : .conflict
            return json(status, Self.error(error.code.rawValue, error.message(in: language)))
        }
    }

    private func checkAll(_ language: Language) async -> Response {
        let results = await client.checkAllNodes()
        let healthy = results.filter(\.healthy).count
        return json(.ok, .object([
            ("ok", .bool(true)), ("message", .string(localized(.dashboardChecked, results.count, healthy, language: language))),
            ("results", .array(results.map { .object([("node", .integer($0.node)), ("healthy", .bool($0.healthy))]) })),
        ]))
    }

    private func done(_ message: String) -> Response {
        json(.ok, .object([("ok", .bool(true)), ("message", .string(message))]))
    }

    // MARK: Helpers

    private func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        var response = Response(status: status, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
        response.headers[.contentType] = "application/json; charset=utf-8"
        return response
    }

    private static func error(_ code: String, _ message: String) -> JSONValue {
        .object([("error", .string(code)), ("message", .string(message))])
    }

    private static let lastEventID = HTTPField.Name("Last-Event-ID")!

    private static let securityHeaders: HTTPFields = [
        .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    /// Whether two byte strings are equal, in a time that depends on their lengths only.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }

    /// `bytes` random bytes from the system's generator, as URL-safe text.
    static func randomToken(bytes: Int) -> String {
        // `UInt8.random(in:)` draws from the system's generator (a local SystemRandomNumberGenerator
        // passed inout is a zero-sized variable that ThreadSanitizer sees as one shared global).
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
