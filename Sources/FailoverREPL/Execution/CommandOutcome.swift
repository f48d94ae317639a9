import Failover
import Foundation

/// One row of the `config` command.
struct ConfigRow: Sendable {
    var key: String
    var value: String?
    var source: ValueSource?
    var isSecret: Bool
}

/// What a command produced, for the text and JSON renderers.
enum CommandOutcome: Sendable {
    /// A response, with whether to show its headers and the events that happened meanwhile.
    case response(FailoverResponse, showHeaders: Bool, events: [FailoverEvent])
    /// A request that found no node to answer it (exit code 1).
    case requestFailed(FailoverError, events: [FailoverEvent])
    /// The node table.
    case nodes(FailoverStatus)
    /// Health check results.
    case health([HealthCheckResult])
    /// The current node changed (or did not need to).
    case switched(status: FailoverStatus, lines: [String])
    /// Lines of information, with an identifier per kind for JSON.
    case info(kind: String, lines: [String])
    /// The last events.
    case events([RecordedEvent])
    /// The configuration in force.
    case config([ConfigRow])
    /// Help text.
    case help([String])
    /// A usage error (exit code 2): an identifier for JSON and a one-line message.
    case usageError(code: String, message: String)
    /// `watch` ended; its snapshots were printed as they came (text) or are printed now (JSON).
    case watched(snapshots: [FailoverStatus], events: [RecordedEvent])
    /// The command was cancelled with Ctrl-C.
    case cancelled
    /// Leave the REPL.
    case quit

    /// The exit code this outcome asks for in scripts: 0, 1 (no node answered) or 2 (usage).
    var exitCode: Int32 {
        switch self {
        case .requestFailed: 1
        case .usageError: 2
        default: 0
        }
    }
}
