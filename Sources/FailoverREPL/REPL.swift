import CoreMetrics
import Localization
import Failover
import FailoverDashboard
import FailoverDemo
import Foundation

/// The `failover` REPL: reads commands (from `-c`, a pipe or a terminal), runs them, prints the
/// results, and returns the exit code of DESIGN §6 (0, 1 when a request found no node, 2 for a
/// usage or configuration error).
public enum REPL {
    /// Runs the REPL to the end.
    ///
    /// - Parameters:
    ///   - options: What the command line asked for.
    ///   - environment: The process environment.
    /// - Returns: The exit code.
    public static func run(options: REPLOptions, environment: [String: String]) async -> Int32 {
        Language.current = options.language ?? Language.resolve(environment: environment)
        let console = Console()
        let session: Session
        let dashboard: DashboardServer?
        do {
            let address = try options.dashboard.map { text throws(DashboardError) in try DashboardAddress(parsing: text) }
            let exporter = address.map { _ in PrometheusExporter() }
            // The client's counters and histograms go to the exporter as well as to the process's metrics system.
            let metrics: any MetricsFactory = exporter.map { MultiplexMetricsHandler(factories: [$0.metricsFactory, MetricsSystem.factory]) }
                ?? MetricsSystem.factory
            session = try await makeSession(options: options, environment: environment, metricsFactory: metrics)
            if let address {
                do {
                    dashboard = try await startDashboard(on: address, exporter: exporter, session: session, environment: environment, console: console)
                } catch {
                    await session.shutdown()
                    throw error
                }
            } else {
                dashboard = nil
            }
        } catch let error as ConfigurationError {
            console.err([localized(.replError, error.message(in: .current))])
            return 2
        } catch let error as DashboardError {
            console.err([localized(.replError, error.message(in: .current))])
            return 2
        } catch {
            console.err([localized(.replError, String(describing: error))])
            return 2
        }
        console.err(session.client.configuration.warnings.map { localized(.replWarning, $0.message(in: .current)) })
        let interactive = options.commands.isEmpty && standardInputIsTerminal()
        let color = interactive && !options.noColor && !options.json && environment["NO_COLOR"] == nil && Console.outputIsTerminal
        var loop = Loop(session: session, options: options, console: console, style: Style(enabled: color), interactive: interactive)
        let code = await loop.run(environment: environment)
        await dashboard?.stop()
        await session.shutdown()
        return code
    }

    /// Serves the dashboard of the session's client, and says where (with the token when it was generated).
    static func startDashboard(
        on address: DashboardAddress, exporter: PrometheusExporter?, session: Session, environment: [String: String], console: Console
    ) async throws(DashboardError) -> DashboardServer {
        let (token, origin) = try DashboardToken.resolve(address: address, environment: environment, configuration: session.client.configuration)
        let dashboard = Dashboard(client: session.client, token: token, exporter: exporter, history: session.history)
        let server = try await DashboardServer.start(dashboard, on: address)
        switch origin {
        case .generated:
            console.err([
                localized(.replDashboardStarted, server.url + "#token=" + token, server.url),
                localized(.replDashboardTokenGenerated, token),
            ])
        case .configured(let source):
            console.err([
                localized(.replDashboardStarted, server.url, server.url),
                localized(.replDashboardTokenConfigured, source.message(in: .current)),
            ])
        }
        return server
    }

    static func makeSession(
        options: REPLOptions, environment: [String: String], metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) async throws -> Session {
        if options.demo {
            let tls = options.demoTLS ? try DemoTLSSetup() : nil
            let cluster: DemoCluster
            do {
                let settings: [DemoTLS]? = try tls.map { tls in try (0..<3).map { try tls.nodeTLS(.valid, node: $0) } }
                let perNode: (@Sendable (Int) -> DemoTLS?)? = settings.map { settings in { @Sendable index in settings[index] } }
                cluster = try await DemoCluster.start(count: 3, tls: perNode)
            } catch {
                tls?.remove()
                throw error
            }
            var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: Array(cluster.baseURLs.dropFirst()))
            configuration.timeouts = .init(request: .seconds(2), total: .seconds(8), connect: .milliseconds(500))
            configuration.healthCheck.interval = .seconds(2)
            configuration.healthCheck.timeout = .seconds(1)
            configuration.selectionTTL = .zero
            if let tls { configuration.tls = try tls.clientTLS() }
            return Session(client: FailoverClient(configuration: configuration, metricsFactory: metricsFactory), demo: cluster, demoTLS: tls)
        }
        let configuration = try FailoverClient.Configuration.load(
            environment: environment, directory: ".", mode: options.mode, envFiles: options.envFiles.isEmpty ? nil : options.envFiles)
        if options.language != nil {
            // --lang beats FAILOVER_LANG.
            var adjusted = configuration
            adjusted.language = nil
            return Session(client: FailoverClient(configuration: adjusted, metricsFactory: metricsFactory), demo: nil)
        }
        return Session(client: FailoverClient(configuration: configuration, metricsFactory: metricsFactory), demo: nil)
    }
}

/// The read-run-print loop.
struct Loop {
    let session: Session
    let options: REPLOptions
    let console: Console
    let style: Style
    let interactive: Bool
    var exitCode: Int32 = 0

    init(session: Session, options: REPLOptions, console: Console, style: Style, interactive: Bool) {
        self.session = session
        self.options = options
        self.console = console
        self.style = style
        self.interactive = interactive
    }

    mutating func run(environment: [String: String]) async -> Int32 {
        if !options.commands.isEmpty {
            for line in options.commands {
                if await handle(line) == .stop { break }
            }
            return exitCode
        }
        let reader: any LineReader
        let interrupts: Interrupts?
        if interactive {
            let session = session
            reader = LibEditLineReader(
                programName: "failover", historyFile: options.historyFile ?? Self.defaultHistoryFile(environment),
                completer: { Completion.candidates(for: $0, session: session) })
            interrupts = Interrupts()
            greet()
        } else {
            reader = PlainLineReader()
            interrupts = nil
        }
        defer {
            reader.saveHistory()
            interrupts?.stop()
        }
        while true {
            let prompt = localized(.replPrompt, session.client.status().current)
            switch await reader.readLine(prompt: prompt) {
            case .endOfInput:
                if interactive { console.out([localized(.replGoodbye)]) }
                return exitCode
            case .interrupted:
                continue
            case .line(let line):
                if interactive, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    reader.addHistory(HistoryRedaction.redact(line))
                }
                if await handle(line, interrupts: interrupts) == .stop {
                    if interactive { console.out([localized(.replGoodbye)]) }
                    return exitCode
                }
            }
        }
    }

    enum Flow { case next, stop }

    /// Parses and runs one line.
    mutating func handle(_ line: String, interrupts: Interrupts? = nil) async -> Flow {
        let command: Command
        do {
            guard let parsed = try CommandParser.parse(line) else { return .next }
            command = parsed
        } catch {
            let word = error.command ?? line.split(separator: " ").first.map(String.init) ?? ""
            show(.usageError(code: error.kind.code, message: error.message(in: .current)), command: word.lowercased())
            return .next
        }
        let name = command.name
        let outcome: CommandOutcome
        switch command {
        case .watch(let seconds, let count):
            let watcher = Watcher(session: session, console: console, style: style, json: options.json)
            let liveTerminal = interactive && Console.outputIsTerminal
            if let interrupts {
                outcome = await interrupts.run { await watcher.run(seconds: seconds ?? 1, count: count, live: liveTerminal) }
            } else {
                outcome = await watcher.run(seconds: seconds ?? 1, count: count, live: false)
            }
        case .stream(let path, let count):
            let streamer = Streamer(session: session, console: console, style: style, json: options.json)
            if let interrupts {
                outcome = await interrupts.run { await streamer.run(path: path, count: count) }
            } else {
                outcome = await streamer.run(path: path, count: count)
            }
        default:
            let runner = CommandRunner(session: session)
            if let interrupts {
                outcome = await interrupts.run { await runner.run(command) }
            } else {
                outcome = await runner.run(command)
            }
        }
        if case .quit = outcome { return .stop }
        show(outcome, command: name)
        return .next
    }

    mutating func show(_ outcome: CommandOutcome, command: String) {
        exitCode = max(exitCode, outcome.exitCode)
        if options.json {
            if case .info(kind: "streamEnded", _) = outcome { return }
            console.out([JSONRenderer().render(outcome, command: command).serialized()])
            return
        }
        if case .watched = outcome { return }
        let lines = TextRenderer(style: style).render(outcome)
        switch outcome {
        case .usageError, .requestFailed: console.err(lines)
        default: console.out(lines)
        }
    }

    private func greet() {
        var lines: [String] = []
        if let demo = session.demo, let tls = session.demoTLS {
            lines.append(localized(.replDemoStartedTLS, demo.baseURLs.joined(separator: ", "), tls.caFile))
        } else if let demo = session.demo {
            lines.append(localized(.replDemoStarted, demo.baseURLs.joined(separator: ", ")))
        }
        let status = session.client.status()
        if let current = status.nodes.first(where: \.isCurrent) {
            lines.append(localized(.replWelcome, status.nodes.count, current.index, current.url.description))
        }
        console.out(lines.map { style.paint($0, .cyan) })
    }

    /// `$XDG_STATE_HOME/swift-failover/history`, else `~/.local/state/swift-failover/history`.
    static func defaultHistoryFile(_ environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("swift-failover/history")
    }
}

/// Keeps credentials out of the history file: header values of secret headers, values of
/// secret-looking query parameters, and passwords in URLs become `<redacted>`.
enum HistoryRedaction {
    private static let header = try! NSRegularExpression(
        pattern: "((?:proxy-)?authorization|cookie|[A-Za-z0-9-]*(?:token|secret|password|key)[A-Za-z0-9-]*)\\s*:\\s*[^'\"]*",
        options: [.caseInsensitive])
    private static let query = try! NSRegularExpression(
        pattern: "([?&][A-Za-z0-9_.~-]*(?:token|secret|password|key)[A-Za-z0-9_.~-]*=)[^&#\\s'\"]*",
        options: [.caseInsensitive])

    private static let userInfo = try! NSRegularExpression(pattern: "(://[^/?#@\\s:]*:)[^/?#@\\s]*@")

    static func redact(_ line: String) -> String {
        var line = line
        for (pattern, template) in [(header, "$1: <redacted>"), (query, "$1<redacted>"), (userInfo, "$1<redacted>@")] {
            line = pattern.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: template)
        }
        return line
    }
}
