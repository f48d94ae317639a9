import FailoverCLI
import Foundation
import Logging
import OTel
import ServiceLifecycle

/// `failover-otel`: the `failover` REPL, with its spans (and metrics) exported over OTLP/HTTP to the
/// collector of `OTEL_EXPORTER_OTLP_ENDPOINT`, configured by the standard `OTEL_*` variables.
/// Everything recorded is flushed before the program exits.
@main
enum FailoverOTel {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        var configuration = OTel.Configuration.default
        configuration.serviceName = "failover"
        // The REPL talks to people on its terminal; its logs are not telemetry.
        configuration.logs.enabled = false
        configuration.diagnosticLogLevel = .error
        let observability: any Service
        do {
            observability = try OTel.bootstrap(configuration: configuration, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("failover-otel: OpenTelemetry: \(error)\n".utf8))
            exit(2)
        }
        let group = ServiceGroup(
            configuration: .init(services: [observability], gracefulShutdownSignals: [], logger: Logger(label: "failover-otel", factory: { _ in SwiftLogNoOpLogHandler() })))
        let exporting = Task { try? await group.run() }
        // The clients the REPL makes pick up the tracer bootstrapped above.
        let code = await CommandLineTool.run(arguments: Array(CommandLine.arguments.dropFirst())) { $0.exportsTraces = true }
        // A graceful shutdown flushes the batch span processor and the metric reader.
        await group.triggerGracefulShutdown()
        await exporting.value
        exit(code)
    }
}
