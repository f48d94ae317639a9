import InMemoryTracing
import Instrumentation
import Tracing

/// swift-distributed-tracing's in-memory tracer, with W3C ids (32 and 16 hex digits) and a W3C
/// `traceparent` injector: what a tracer with a W3C propagator (swift-otel's) puts on the wire.
struct W3CTestTracer: Tracer {
    typealias Span = InMemorySpan
    let memory = InMemoryTracer(
        idGenerator: .init(nextTraceID: { Self.hex(16) }, nextSpanID: { Self.hex(8) }), recordInjections: true)

    static func hex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        memory.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    func activeSpan(identifiedBy context: InstrumentationContext) -> InMemorySpan? { memory.activeSpan(identifiedBy: context) }

    func forceFlush() { memory.forceFlush() }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        memory.extract(carrier, into: &context, using: extractor)
    }

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
    }

    var finishedSpans: [FinishedInMemorySpan] { memory.finishedSpans }
}
