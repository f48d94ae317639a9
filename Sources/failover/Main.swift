import Foundation
import Localization
import Logging
import ServiceLifecycle
#if OpenTelemetry
import OTel
#endif

/// `failover`: the REPL of swift-failover. With `OTEL_EXPORTER_OTLP_ENDPOINT` (or its `_TRACES_` /
/// `_METRICS_` forms) set, its spans and metrics go to that OpenTelemetry collector over OTLP/HTTP,
/// configured by the standard `OTEL_*` variables, and are flushed before it exits.
@main
enum Failover {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let telemetry = startTelemetry(environment) else {
            exit(await FailoverCommand.run(arguments: arguments))
        }
        let code = await FailoverCommand.run(arguments: arguments)
        // A graceful shutdown flushes the batch span processor and the metric reader.
        await telemetry.group.triggerGracefulShutdown()
        await telemetry.running.value
        exit(code)
    }

    /// The variables that name a collector.
    static let endpoints = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]

    /// Bootstraps swift-otel's tracer and metrics when a collector is named, before any client is made
    /// (built without the `OpenTelemetry` trait, `failover` exports nothing).
    static func startTelemetry(_ environment: [String: String]) -> (group: ServiceGroup, running: Task<Void, Never>)? {
        #if OpenTelemetry
        guard endpoints.contains(where: { !(environment[$0] ?? "").isEmpty }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "failover"
        // The REPL talks to a person on its terminal: its logs are not telemetry.
        configuration.logs.enabled = false
        configuration.diagnosticLogLevel = .error
        // A collector that does not answer must not hold the prompt's exit for long (the OTEL_*
        // variables still override these).
        configuration.traces.otlpExporter.timeout = .seconds(2)
        configuration.metrics.otlpExporter.timeout = .seconds(2)
        configuration.traces.batchSpanProcessor.exportTimeout = .seconds(3)
        configuration.metrics.exportTimeout = .seconds(3)
        do {
            let observability = try OTel.bootstrap(configuration: configuration, environment: environment)
            let group = ServiceGroup(configuration: .init(
                services: [observability], gracefulShutdownSignals: [],
                logger: Logger(label: "failover.telemetry", factory: { _ in SwiftLogNoOpLogHandler() })))
            return (group, Task { try? await group.run() })
        } catch {
            Language.current = Language.resolve(environment: environment)
            let line = localized(.replError, localized(.replOtelFailed, String(describing: error)))
            FileHandle.standardError.write(Data((line + "\n").utf8))
            exit(2)
        }
        #else
        return nil
        #endif
    }
}
