import NIOHTTP1
import ServiceContextModule
import Tracing

/// The client's spans, following the OpenTelemetry semantic conventions for HTTP clients:
///
/// - one span per logical request (kind `internal`, named after the method), parent of
/// - one `client` span per attempt (each re-send is its own span, as OpenTelemetry says), with
///   `http.request.method`, `server.address`, `server.port`, `url.full` (query values of secret
///   names redacted), `http.response.status_code`, `error.type`, `http.request.resend_count`, and
///   `failover.node`, `failover.outcome`, `failover.reason` (why the request moved on, when it did);
/// - one root span per health check of a node (never a child of a request).
///
/// The context of each attempt is injected into its headers through the tracer's instrument
/// (`traceparent` with a W3C propagator), so a request's attempts share one trace id.
///
/// The library never bootstraps a tracer: it uses the one given to the client, else
/// `InstrumentationSystem.tracer` as it is when the client is made. With the no-op tracer (the
/// default) nothing of this runs.
struct FailoverTracing: Sendable {
    let tracer: any Tracer

    /// Tracing with `tracer`, or `nil` for the no-op tracer.
    init?(_ tracer: any Tracer) {
        if tracer is NoOpTracer { return nil }
        self.tracer = tracer
    }

    /// Runs a logical request in its span; `describe` tells the status, the node and the attempts
    /// of what it delivered.
    func request<Result>(
        _ request: FailoverRequest, describe: (Result) -> (status: Int, node: Int, attempts: Int), _ body: () async throws -> Result
    ) async throws -> Result {
        let span = tracer.startSpan(request.method.rawValue, context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        defer { span.end() }
        span.attributes["http.request.method"] = request.method.rawValue
        do {
            let response = try await ServiceContext.withValue(span.context) { try await body() }
            let (status, node, attempts) = describe(response)
            span.attributes["http.response.status_code"] = status
            span.attributes["failover.node"] = node
            span.attributes["failover.attempts"] = attempts
            if status >= 500 {
                span.attributes["error.type"] = String(status)
                span.setStatus(SpanStatus(code: .error))
            }
            return response
        } catch {
            span.attributes["error.type"] = (error as? FailoverError)?.code.rawValue ?? String(describing: type(of: error))
            if let failure = error as? FailoverError { span.attributes["failover.attempts"] = failure.attempts.count }
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// Runs one attempt in its span, a child of the request's; `body` injects the span's context
    /// into the request's headers with ``inject(into:)``.
    func attempt<Payload: Sendable>(
        node: Node, request: FailoverRequest, resend: Int, _ body: () async throws -> RawAttempt<Payload>
    ) async throws -> RawAttempt<Payload> {
        let span = tracer.startSpan(request.method.rawValue, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        defer { span.end() }
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["server.address"] = node.url.host
        span.attributes["server.port"] = node.url.effectivePort
        span.attributes["url.full"] = Redaction.url(node.url.url(for: request.path))
        span.attributes["failover.node"] = node.index
        if resend > 0 { span.attributes["http.request.resend_count"] = resend }
        let raw = try await ServiceContext.withValue(span.context) { try await body() }
        span.attributes["failover.outcome"] = raw.outcome.identifier
        switch raw.outcome {
        case .response(let status):
            span.attributes["http.response.status_code"] = status
            if status >= 500 {
                span.attributes["error.type"] = String(status)
                span.setStatus(SpanStatus(code: .error))
            }
        case .failure(let failure):
            span.attributes["error.type"] = failure.identifier
            span.setStatus(SpanStatus(code: .error))
        }
        if !DefaultErrorClassifier.delivers(raw.outcome) { span.attributes["failover.reason"] = Self.reason(raw.outcome) }
        return raw
    }

    /// Runs a health check of a node in a root span of its own.
    func healthCheck(node: Node, _ body: () async -> HealthCheckResult) async -> HealthCheckResult {
        let span = tracer.startSpan("health check", context: .topLevel, ofKind: .client)
        defer { span.end() }
        span.attributes["server.address"] = node.url.host
        span.attributes["server.port"] = node.url.effectivePort
        span.attributes["failover.node"] = node.index
        let result = await ServiceContext.withValue(span.context) { await body() }
        span.attributes["failover.healthy"] = result.healthy
        if let path = result.path { span.attributes["url.full"] = Redaction.url(node.url.url(for: path)) }
        if let status = result.status { span.attributes["http.response.status_code"] = status }
        if let failure = result.failureIdentifier {
            span.attributes["error.type"] = failure
            span.setStatus(SpanStatus(code: .error))
        }
        return result
    }

    /// Adds the current span's context to outgoing headers (`traceparent` with a W3C propagator).
    func inject(into headers: inout HTTPHeaders) {
        guard let context = ServiceContext.current else { return }
        tracer.inject(context, into: &headers, using: HTTPHeadersInjector())
    }

    /// Why a request moved on: the outcome, with the TLS reason of a TLS failure.
    static func reason(_ outcome: AttemptOutcome) -> String {
        if case .failure(let failure) = outcome, let tls = failure.tlsReason { return "\(failure.identifier):\(tls.rawValue)" }
        return outcome.identifier
    }
}

/// Writes span context into NIO's HTTP headers.
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}
